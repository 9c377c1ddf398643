import type { Readable } from 'node:stream';
import type { Logger } from '../common/logger.js';
import { isJsonObject, isKnownMessageType, type AirbyteMessage } from './messages.js';

/**
 * Reads Airbyte messages, one JSON per line, from a connector's stdout. A connector is
 * foreign code: whatever it prints, this reader never throws on content and never
 * buffers more than `maxLineBytes` of one line.
 *
 * - a line that is not JSON becomes a LOG message carrying the text (Airbyte's platform
 *   does the same: connectors that print() still get their output logged);
 * - JSON without a known `type`, or a known type missing its payload, is logged and skipped
 *   (and reported to `onRejected`, so a broken RECORD is still counted);
 * - a line longer than `maxLineBytes` is dropped while it streams past (only a 4 KiB
 *   prefix is kept, to tell which message type and stream it was) and reported.
 */

/**
 * 32 MiB: twice the 16 MiB BSON document limit of MongoDB and DocumentDB. A record whose
 * JSON is larger than that cannot become one document anyway, so buffering more would
 * only let one bad line take the process's memory.
 */
export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;
const SNIFF_BYTES = 4096;
const NEWLINE = 0x0a;

export const RejectKind = Object.freeze({ OVERSIZED: 'oversized_line', INVALID_MESSAGE: 'invalid_message', UNKNOWN_TYPE: 'unknown_type' } as const);
export type RejectKind = (typeof RejectKind)[keyof typeof RejectKind];

export interface RejectedLine {
  kind: RejectKind;
  reason: string;
  /** 1-based line number in the connector's output. */
  line: number;
  bytes: number;
  /** Message type and stream when they could be told (for RECORD accounting). */
  type?: string;
  stream?: string;
}

export interface ReaderStats {
  lines: number;
  messages: number;
  nonJson: number;
  rejected: number;
  bytes: number;
}

export interface JsonLinesReaderOptions {
  maxLineBytes?: number;
  logger?: Logger;
  /** Called for every line that is dropped; the default only logs. */
  onRejected?: (r: RejectedLine) => void;
}

/** What a truncated prefix tells about a line: `"type":"RECORD"` and `"stream":"x"`, if present. */
export function sniffLine(prefix: string): { type?: string; stream?: string } {
  const type = /"type"\s*:\s*"([A-Z_]+)"/.exec(prefix)?.[1];
  const stream = /"stream"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(prefix)?.[1];
  return { ...(type !== undefined && { type }), ...(stream !== undefined && { stream }) };
}

const PAYLOAD_KEY: Record<string, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CATALOG: 'catalog',
  TRACE: 'trace',
  CONTROL: 'control',
};


/** Why a parsed JSON value is not a usable message, or undefined if it is one. */
function problemOf(value: unknown): { kind: RejectKind; reason: string } | undefined {
  if (!isJsonObject(value)) return { kind: RejectKind.UNKNOWN_TYPE, reason: 'a JSON value that is not an object' };
  if (!isKnownMessageType(value.type)) return { kind: RejectKind.UNKNOWN_TYPE, reason: `unknown message type ${JSON.stringify(value.type ?? null)}` };
  const key = PAYLOAD_KEY[value.type]!;
  const payload = value[key];
  if (!isJsonObject(payload)) return { kind: RejectKind.INVALID_MESSAGE, reason: `${value.type} message without its "${key}" object` };
  if (value.type === 'RECORD') {
    if (typeof payload.stream !== 'string') return { kind: RejectKind.INVALID_MESSAGE, reason: 'RECORD without a "stream" name' };
    if (!isJsonObject(payload.data)) return { kind: RejectKind.INVALID_MESSAGE, reason: `RECORD of stream ${payload.stream} whose "data" is not an object` };
  }
  return undefined;
}

export class JsonLinesReader {
  readonly stats: ReaderStats = { lines: 0, messages: 0, nonJson: 0, rejected: 0, bytes: 0 };
  private readonly maxLineBytes: number;

  constructor(
    private readonly input: Readable | AsyncIterable<Buffer | string>,
    private readonly options: JsonLinesReaderOptions = {},
  ) {
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  private reject(r: RejectedLine): void {
    this.stats.rejected += 1;
    this.options.logger?.warn({ line: r.line, bytes: r.bytes, kind: r.kind, type: r.type, stream: r.stream }, `connector output rejected: ${r.reason}`);
    this.options.onRejected?.(r);
  }

  private parseLine(buf: Buffer, lineNo: number): AirbyteMessage | undefined {
    let text = buf.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.stats.nonJson += 1;
      return { type: 'LOG', log: { level: 'INFO', message: text } };
    }
    const problem = problemOf(value);
    if (problem) {
      const sniffed = isJsonObject(value) ? sniffLine(text.slice(0, SNIFF_BYTES)) : {};
      this.reject({ ...problem, line: lineNo, bytes: buf.length, ...sniffed });
      return undefined;
    }
    this.stats.messages += 1;
    return value as AirbyteMessage;
  }

  async *messages(): AsyncGenerator<AirbyteMessage> {
    let parts: Buffer[] = [];
    let size = 0;
    // While a line is over the limit, its bytes are counted and dropped, keeping a prefix.
    let skipping = false;
    let prefix: Buffer | undefined;
    let lineNo = 0;
    const endOversized = (): void => {
      const sniffed = sniffLine((prefix ?? Buffer.alloc(0)).toString('utf8'));
      this.reject({
        kind: RejectKind.OVERSIZED,
        reason: `line of ${size} bytes exceeds the maximum of ${this.maxLineBytes} bytes (max_line_bytes)`,
        line: lineNo,
        bytes: size,
        ...sniffed,
      });
    };
    for await (const chunk of this.input) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      this.stats.bytes += buf.length;
      let start = 0;
      while (start < buf.length) {
        const nl = buf.indexOf(NEWLINE, start);
        const end = nl === -1 ? buf.length : nl;
        const piece = buf.subarray(start, end);
        if (!skipping && size + piece.length > this.maxLineBytes) {
          skipping = true;
          prefix = Buffer.concat([...parts, piece]).subarray(0, SNIFF_BYTES);
          parts = [];
        }
        size += piece.length;
        if (!skipping) parts.push(piece);
        if (nl === -1) break;
        lineNo += 1;
        this.stats.lines += 1;
        if (skipping) endOversized();
        else {
          const msg = this.parseLine(parts.length === 1 ? parts[0]! : Buffer.concat(parts), lineNo);
          if (msg) yield msg;
        }
        parts = [];
        size = 0;
        skipping = false;
        prefix = undefined;
        start = nl + 1;
      }
      // The unfinished tail still points into this chunk: copy it so the chunk can be collected.
      const last = parts.length - 1;
      if (last >= 0 && parts[last]!.buffer === buf.buffer) parts[last] = Buffer.from(parts[last]!);
    }
    if (size > 0 || parts.length) {
      lineNo += 1;
      this.stats.lines += 1;
      if (skipping) endOversized();
      else {
        const msg = this.parseLine(Buffer.concat(parts), lineNo);
        if (msg) yield msg;
      }
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<AirbyteMessage> {
    return this.messages();
  }
}

/** Convenience: iterate the messages of a stream with default limits. */
export function readMessages(input: Readable | AsyncIterable<Buffer | string>, options: JsonLinesReaderOptions = {}): AsyncGenerator<AirbyteMessage> {
  return new JsonLinesReader(input, options).messages();
}
