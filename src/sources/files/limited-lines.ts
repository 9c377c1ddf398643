import type { Readable } from 'node:stream';

/**
 * Lines of a byte stream, never holding more than `maxBytes` of one line: a longer line
 * is counted while it streams past and reported as `oversized` (its first bytes kept to
 * show), so a 1 GB line costs no more memory than a short one. Each line is decoded as
 * strict UTF-8: invalid bytes make it `invalid_utf8`, never U+FFFD in silence.
 */

export type Line =
  | { n: number; kind: 'text'; text: string }
  | { n: number; kind: 'oversized'; bytes: number; prefix: string }
  | { n: number; kind: 'invalid_utf8'; bytes: number; prefix: string };

const NEWLINE = 0x0a;
const PREFIX_BYTES = 200;
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8');

function decode(buf: Buffer, n: number): Line {
  const body = buf.length && buf[buf.length - 1] === 0x0d ? buf.subarray(0, -1) : buf;
  try {
    return { n, kind: 'text', text: strict.decode(body) };
  } catch {
    return { n, kind: 'invalid_utf8', bytes: body.length, prefix: lenient.decode(body.subarray(0, PREFIX_BYTES)) };
  }
}

export async function* limitedLines(input: Readable, maxBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let over = false;
  let prefix = '';
  let n = 0;
  const finish = (): Line => {
    n += 1;
    const line: Line = over ? { n, kind: 'oversized', bytes: size, prefix } : decode(parts.length === 1 ? parts[0]! : Buffer.concat(parts), n);
    parts = [];
    size = 0;
    over = false;
    prefix = '';
    return line;
  };
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(NEWLINE, start);
      const piece = buf.subarray(start, nl === -1 ? buf.length : nl);
      if (!over && size + piece.length > maxBytes) {
        over = true;
        prefix = lenient.decode(Buffer.concat([...parts, piece.subarray(0, PREFIX_BYTES)]).subarray(0, PREFIX_BYTES));
        parts = [];
      }
      size += piece.length;
      if (!over) parts.push(piece);
      if (nl === -1) break;
      yield finish();
      start = nl + 1;
    }
    // The unfinished tail still points into this chunk: copy it so the chunk can be collected.
    const last = parts.length - 1;
    if (last >= 0 && parts[last]!.buffer === buf.buffer) parts[last] = Buffer.from(parts[last]!);
  }
  if (size > 0) yield finish();
}
