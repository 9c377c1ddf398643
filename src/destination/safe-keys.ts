/**
 * Field names MongoDB-compatible servers refuse or mangle: a `.` (a path separator to
 * FerretDB and DocumentDB, and to every query) or a leading `$` (an operator). Sources
 * send such names ("Precip. Rate."), so they are stored with the full-width look-alikes
 * (U+FF0E, U+FF04), the substitution MongoDB's docs suggest: readable and reversible.
 */

const DOT = '\uFF0E';
const DOLLAR = '\uFF04';

export function safeKey(key: string): string {
  const k = key.includes('.') ? key.replaceAll('.', DOT) : key;
  return k.startsWith('$') ? `${DOLLAR}${k.slice(1)}` : k;
}

/** A copy with every nested key made safe; Dates, BSON values and arrays keep their type. */
export function safeKeys<T>(value: T, depth = 0): T {
  if (depth > 64 || value === null || typeof value !== 'object' || value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((v: unknown) => safeKeys(v, depth + 1)) as T;
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[safeKey(k)] = safeKeys(v, depth + 1);
  return out as T;
}
