import { Readable, PassThrough, Writable } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { JsonLinesReader, sniffLine, type RejectedLine } from '../../../src/protocol/jsonl-reader.js';
import { MessageWriter } from '../../../src/protocol/jsonl-writer.js';
import type { AirbyteMessage } from '../../../src/protocol/messages.js';

async function collect(chunks: Array<string | Buffer>, maxLineBytes?: number): Promise<{ messages: AirbyteMessage[]; rejected: RejectedLine[]; reader: JsonLinesReader }> {
  const rejected: RejectedLine[] = [];
  const reader = new JsonLinesReader(Readable.from(chunks), { ...(maxLineBytes !== undefined && { maxLineBytes }), onRejected: (r) => rejected.push(r) });
  const messages: AirbyteMessage[] = [];
  for await (const m of reader) messages.push(m);
  return { messages, rejected, reader };
}

const rec = (stream: string, id: number): string => JSON.stringify({ type: 'RECORD', record: { stream, data: { id }, emitted_at: 1 } });

describe('JsonLinesReader', () => {
  it('splits lines across arbitrary chunk boundaries, including inside multi-byte characters', async () => {
    const text = `${JSON.stringify({ type: 'LOG', log: { level: 'INFO', message: 'héllo °C ☃' } })}\n${rec('s', 1)}\r\n${rec('s', 2)}`;
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += 7) chunks.push(bytes.subarray(i, i + 7));
    const { messages, reader } = await collect(chunks);
    expect(messages.map((m) => m.type)).toEqual(['LOG', 'RECORD', 'RECORD']);
    expect(messages[0]).toEqual({ type: 'LOG', log: { level: 'INFO', message: 'héllo °C ☃' } });
    expect(reader.stats).toMatchObject({ lines: 3, messages: 3, nonJson: 0, rejected: 0 });
  });

  it('turns a line that is not JSON into a LOG message with the text', async () => {
    const { messages, reader } = await collect([`Traceback (most recent call last):\n${rec('s', 1)}\n{"type": "RECORD", broken\n`]);
    expect(messages[0]).toEqual({ type: 'LOG', log: { level: 'INFO', message: 'Traceback (most recent call last):' } });
    expect(messages[1]?.type).toBe('RECORD');
    expect(messages[2]).toEqual({ type: 'LOG', log: { level: 'INFO', message: '{"type": "RECORD", broken' } });
    expect(reader.stats.nonJson).toBe(2);
  });

  it('skips unknown types and messages without their payload, reporting each with a reason', async () => {
    const lines = [
      JSON.stringify({ type: 'HEARTBEAT', beat: 1 }),
      '42',
      JSON.stringify({ type: 'RECORD', record: { stream: 'users', data: 'not an object', emitted_at: 1 } }),
      JSON.stringify({ type: 'STATE' }),
      rec('users', 7),
      '',
    ];
    const { messages, rejected } = await collect([lines.join('\n')]);
    expect(messages).toHaveLength(1);
    expect(rejected.map((r) => [r.kind, r.line])).toEqual([
      ['unknown_type', 1],
      ['unknown_type', 2],
      ['invalid_message', 3],
      ['invalid_message', 4],
    ]);
    expect(rejected[0]!.reason).toContain('HEARTBEAT');
    expect(rejected[2]).toMatchObject({ type: 'RECORD', stream: 'users' });
  });

  it('rejects an oversized line without buffering it, and keeps reading after it', async () => {
    const big = JSON.stringify({ type: 'RECORD', record: { stream: 'huge', data: { blob: 'x'.repeat(200_000) }, emitted_at: 1 } });
    // Fed in small chunks: the reader must drop them as they pass.
    const chunks: string[] = [`${rec('s', 1)}\n`];
    for (let i = 0; i < big.length; i += 1000) chunks.push(big.slice(i, i + 1000));
    chunks.push(`\n${rec('s', 2)}\n`);
    const { messages, rejected } = await collect(chunks, 10_000);
    expect(messages.map((m) => (m.type === 'RECORD' ? m.record.data.id : null))).toEqual([1, 2]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ kind: 'oversized_line', line: 2, bytes: big.length, type: 'RECORD', stream: 'huge' });
    expect(rejected[0]!.reason).toMatch(/exceeds the maximum of 10000 bytes/);
  });

  it('accepts a 5 MB record under the default limit', async () => {
    const big = JSON.stringify({ type: 'RECORD', record: { stream: 'big', data: { blob: 'y'.repeat(5 * 1024 * 1024) }, emitted_at: 1 } });
    const { messages, rejected } = await collect([big.slice(0, 3_000_000), big.slice(3_000_000), '\n']);
    expect(rejected).toEqual([]);
    expect(messages).toHaveLength(1);
    expect((messages[0] as unknown as { record: { data: { blob: string } } }).record.data.blob.length).toBe(5 * 1024 * 1024);
  });

  it('reads a last line without a trailing newline, and an oversized one at the end', async () => {
    expect((await collect([rec('s', 1)])).messages).toHaveLength(1);
    const { rejected } = await collect([`${rec('s', 1)}\n${'z'.repeat(50)}`], 20);
    expect(rejected.map((r) => r.kind)).toEqual(['oversized_line', 'oversized_line']);
  });

  it('sniffs the type and stream from a truncated prefix', () => {
    expect(sniffLine('{"type":"RECORD","record":{"stream":"a\\"b","data":{"x":"')).toEqual({ type: 'RECORD', stream: 'a\\"b' });
    expect(sniffLine('garbage')).toEqual({});
  });
});

describe('MessageWriter', () => {
  it('writes one JSON per line and waits for the reader when the pipe is full', async () => {
    const received: string[] = [];
    let release: (() => void) | undefined;
    // A sink with a tiny buffer that holds the first write until released.
    const sink = new Writable({
      highWaterMark: 16,
      write(chunk: Buffer, _enc, cb) {
        received.push(chunk.toString());
        if (received.length === 1) release = cb;
        else cb();
      },
    });
    const writer = new MessageWriter(sink);
    let done = false;
    const p = writer.write({ type: 'LOG', log: { level: 'INFO', message: 'a'.repeat(100) } }).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    release!();
    await p;
    expect(done).toBe(true);
    await writer.write({ type: 'LOG', log: { level: 'INFO', message: 'b' } });
    expect(received.map((l) => JSON.parse(l).log.message.slice(0, 1))).toEqual(['a', 'b']);
    expect(received.every((l) => l.endsWith('\n'))).toBe(true);
  });

  it('round-trips through the reader', async () => {
    const pipe = new PassThrough();
    const writer = new MessageWriter(pipe);
    const sent: AirbyteMessage[] = [JSON.parse(rec('s', 1)), { type: 'STATE', state: { type: 'LEGACY', data: { c: 1 } } }];
    const reading = (async () => {
      const out: AirbyteMessage[] = [];
      for await (const m of new JsonLinesReader(pipe)) out.push(m);
      return out;
    })();
    await writer.writeAll(sent);
    pipe.end();
    expect(await reading).toEqual(sent);
  });
});
