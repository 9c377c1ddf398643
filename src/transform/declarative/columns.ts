import { columnKey } from '../../common/text.js';

/**
 * How a declaration's `from` finds its value in a record. `exact`: the key, else a dot path
 * into nested objects. `loose` (match_columns: loose): headers compared by columnKey, so
 * "Precip. Rate." matches `preciprate`; keys starting with `_` (bookkeeping) stay exact.
 */
export type Reader = (record: Record<string, unknown>, looseIndex: Map<string, string> | undefined) => { column: string; value: unknown };

function atPath(record: Record<string, unknown>, path: string): unknown {
  if (path in record || !path.includes('.')) return record[path];
  let cur: unknown = record;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function looseIndex(record: Record<string, unknown>): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const k of Object.keys(record)) if (!k.startsWith('_')) byKey.set(columnKey(k), k);
  return byKey;
}

/** The first candidate present in the record; absent everywhere → the first name, undefined. */
export function compileReader(candidates: string[]): Reader {
  const keys = candidates.map((c) => ({ name: c, loose: c.startsWith('_') ? undefined : columnKey(c) }));
  return (record, index) => {
    for (const k of keys) {
      const column = index && k.loose !== undefined ? index.get(k.loose) : k.name;
      if (column === undefined) continue;
      const value = index && k.loose !== undefined ? record[column] : atPath(record, column);
      if (value !== undefined) return { column, value };
    }
    return { column: candidates[0]!, value: undefined };
  };
}
