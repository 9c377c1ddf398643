import { BSON } from 'mongodb';

/**
 * The server's limits, checked on each record before it is written, so that one poison
 * record becomes one reject (kind `too_large`, `too_deep` or `unrepresentable`, with the
 * field it is about) instead of failing its batch or the run. The walk is iterative: a
 * record nested 100,000 deep is measured without overflowing the stack, and it is
 * rejected before any recursive code (mapping, schema validation, hashing) sees it.
 */

/** MongoDB's maximum BSON document size. */
export const MAX_BSON_BYTES = 16 * 1024 * 1024;
/** Kept free for the lineage proofline adds (`_proofline`, `_id`) and the bulk command's own envelope. */
export const LINEAGE_ROOM_BYTES = 64 * 1024;
/** MongoDB refuses documents nested deeper than 100 levels (the document itself is level 1). */
export const MAX_DEPTH = 100;
/** At most this many value failures are listed per record (a record with a million NaNs is one reject, not a million lines). */
const MAX_LISTED = 5;

export type LimitRule = 'too_large' | 'too_deep' | 'unrepresentable';

export interface LimitFailure {
  field: string;
  rule: LimitRule;
  value: unknown;
  message: string;
}

const join = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * Depth and values a server cannot hold: numbers that are not finite (JSON has no
 * ±Infinity or NaN: `-1e400` parses to -Infinity, which is not what the source wrote,
 * and FerretDB refuses it) and keys holding NUL (BSON keys are NUL-terminated).
 * Stops descending at the first branch that is too deep.
 */
export function checkShape(record: unknown, maxDepth = MAX_DEPTH): LimitFailure[] {
  const failures: LimitFailure[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: record, path: '', depth: 1 }];
  while (stack.length && failures.length < MAX_LISTED) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      failures.push({ field: path || '(record)', rule: 'unrepresentable', value: String(value), message: `${path || 'the record'} holds ${String(value)}, which JSON and the server cannot store as a number` });
      continue;
    }
    if (value === null || typeof value !== 'object' || value instanceof Date || (value as { _bsontype?: unknown })._bsontype) continue;
    if (depth > maxDepth) {
      failures.push({ field: path.slice(0, 200), rule: 'too_deep', value: null, message: `nested more than ${maxDepth} levels deep at ${path.slice(0, 200)}${path.length > 200 ? '…' : ''} (the server's limit is ${MAX_DEPTH})` });
      break;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: join(path, i), depth: depth + 1 });
      continue;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k.includes('\u0000')) failures.push({ field: join(path, k.replaceAll('\u0000', '\\u0000')), rule: 'unrepresentable', value: null, message: 'a field name holds a NUL character, which BSON field names cannot hold' });
      else stack.push({ value: v, path: join(path, k), depth: depth + 1 });
    }
  }
  return failures;
}

/** The document's BSON size against the limit minus room for lineage; call only on a record checkShape passed (the size walk recurses). */
export function checkSize(doc: Record<string, unknown>, limit = MAX_BSON_BYTES - LINEAGE_ROOM_BYTES): LimitFailure | undefined {
  const bytes = BSON.calculateObjectSize(doc);
  if (bytes <= limit) return undefined;
  return { field: '(record)', rule: 'too_large', value: bytes, message: `the record is ${bytes} bytes as BSON; the server's limit is ${MAX_BSON_BYTES} bytes, ${LINEAGE_ROOM_BYTES} of them kept for lineage` };
}
