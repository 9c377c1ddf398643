import type { JsonObject } from '../protocol/messages.js';

/**
 * What a source checks in a parsed row before it becomes a record, so that nothing is
 * altered or dropped on the way to the database without a reject that says why:
 * - a key `__proto__` (a JavaScript object would silently lose it) or a key holding NUL
 *   (BSON keys are NUL-terminated) cannot be stored as it is;
 * - a top-level key in proofline's bookkeeping space (`_ab_*`, `_pl_*`, `_raw`,
 *   `_proofline_error`) would be taken for lineage or a parse error and dropped;
 * - a lone UTF-16 surrogate (`"\ud800"` in JSON) has no UTF-8 form: the driver would
 *   store U+FFFD instead.
 * Keys with `.` or a leading `$` are not rejected: the writer escapes them (safe-keys.ts).
 * The walk uses its own stack, so any nesting depth is safe.
 */

export interface InputProblem {
  rule: 'unstorable_key' | 'reserved_key' | 'invalid_unicode';
  field: string;
  message: string;
}

// With the u flag a valid surrogate pair is one code point: only a lone surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

const RESERVED = /^(?:_ab_|_pl_)|^(?:_raw|_proofline_error)$/;

export const isReservedKey = (key: string): boolean => RESERVED.test(key);

const shown = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

function keyProblem(key: string, path: string): InputProblem | undefined {
  if (key === '__proto__') return { rule: 'unstorable_key', field: path, message: `field ${path}: the key "__proto__" cannot be stored safely (a JavaScript object drops it)` };
  if (key.includes('\u0000')) return { rule: 'unstorable_key', field: path, message: `field ${shown(path)}: a key holding a NUL character cannot be stored (BSON keys end at NUL)` };
  if (!wellFormed(key)) return { rule: 'invalid_unicode', field: path, message: `field ${shown(path)}: the key holds a lone UTF-16 surrogate, which has no UTF-8 form` };
  return undefined;
}

/** The first problem of a parsed row, or undefined when it can be stored exactly. */
export function inputProblem(row: JsonObject): InputProblem | undefined {
  for (const key of Object.keys(row)) {
    if (isReservedKey(key)) {
      return { rule: 'reserved_key', field: key, message: `field ${key} is in proofline's reserved space (_ab_*, _pl_*, _raw, _proofline_error): rename it in the source` };
    }
  }
  const stack: Array<{ value: unknown; path: string }> = [{ value: row, path: '' }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (!wellFormed(value)) return { rule: 'invalid_unicode', field: path, message: `field ${path}: the text holds a lone UTF-16 surrogate, which has no UTF-8 form` };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) stack.push({ value: value[i], path: `${path}[${i}]` });
      continue;
    }
    for (const key of Object.keys(value)) {
      const child = path === '' ? key : `${path}.${key}`;
      const problem = keyProblem(key, child);
      if (problem) return problem;
      stack.push({ value: (value as Record<string, unknown>)[key], path: child });
    }
  }
  return undefined;
}

/** A text without its leading UTF-8 byte order mark (every text source strips it). */
export const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
