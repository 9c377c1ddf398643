import { createHash } from 'node:crypto';

/**
 * JSON text of any value, written without recursion (a record nested 100,000 deep must
 * not overflow the stack) and kept only up to `maxChars` (a 100 MB string must not be
 * copied into the quarantine). The full text's length and sha256 are still computed, so
 * a truncated copy can be matched to its source. Non-finite numbers become `null`, as in
 * JSON.stringify; BSON values and dates use their toJSON().
 */

export interface BoundedJson {
  /** The first maxChars characters of the JSON text. */
  text: string;
  /** Length of the full JSON text, in UTF-16 code units. */
  length: number;
  /** sha256 (hex) of the full JSON text, UTF-8 encoded. */
  sha256: string;
  truncated: boolean;
}

type Work = { token: string } | { value: unknown };

export function boundedJson(value: unknown, maxChars: number): BoundedJson {
  const hash = createHash('sha256');
  let length = 0;
  let text = '';
  const emit = (chunk: string): void => {
    hash.update(chunk);
    length += chunk.length;
    if (text.length < maxChars) text += chunk.length > maxChars - text.length ? chunk.slice(0, maxChars - text.length) : chunk;
  };
  const stack: Work[] = [{ value }];
  while (stack.length) {
    const w = stack.pop()!;
    if ('token' in w) {
      emit(w.token);
      continue;
    }
    let v = w.value;
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: () => unknown }).toJSON();
    if (v === null || v === undefined || typeof v === 'function' || typeof v === 'symbol') emit('null');
    else if (typeof v === 'number') emit(Number.isFinite(v) ? String(v) : 'null');
    else if (typeof v === 'bigint') emit(v.toString());
    else if (typeof v === 'boolean') emit(String(v));
    else if (typeof v === 'string') emitString(v, emit);
    else if (Array.isArray(v)) {
      stack.push({ token: ']' });
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i] });
        if (i > 0) stack.push({ token: ',' });
      }
      emit('[');
    } else {
      const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
      stack.push({ token: '}' });
      for (let i = entries.length - 1; i >= 0; i--) {
        stack.push({ value: entries[i]![1] });
        stack.push({ token: `${JSON.stringify(entries[i]![0])}:` });
        if (i > 0) stack.push({ token: ',' });
      }
      emit('{');
    }
  }
  return { text, length, sha256: hash.digest('hex'), truncated: length > text.length };
}

/** A string as JSON, in slices so a huge one is never quoted whole (NUL comes out as \u0000). */
function emitString(s: string, emit: (chunk: string) => void): void {
  const SLICE = 1 << 16;
  if (s.length <= SLICE) {
    emit(JSON.stringify(s));
    return;
  }
  emit('"');
  // Slice on code-unit boundaries that do not split a surrogate pair.
  for (let i = 0; i < s.length; ) {
    let end = Math.min(i + SLICE, s.length);
    const last = s.charCodeAt(end - 1);
    if (end < s.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    emit(JSON.stringify(s.slice(i, end)).slice(1, -1));
    i = end;
  }
  emit('"');
}
