import { Writable } from 'node:stream';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { createLogger } from '../../../src/common/logger.js';
import { airbyteSource } from '../../../src/sources/airbyte/connector.js';
import type { AirbyteMessage, JsonObject } from '../../../src/protocol/messages.js';
import { ROOT } from '../../helpers.js';

/** The `airbyte` source against real child processes (a fake connector speaking the protocol). */

const FAKE = join(ROOT, 'test/fixtures/airbyte/fake-source.mjs');

function capture() {
  const lines: JsonObject[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _e, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as JsonObject);
      cb();
    },
  });
  return { logger: createLogger({ destination: dest, pretty: false, level: 'debug' }), lines };
}

async function read(connectorConfig: JsonObject, extra: JsonObject = {}, state: Record<string, JsonObject> = {}) {
  const { logger, lines } = capture();
  const messages: AirbyteMessage[] = [];
  let error: Error | undefined;
  try {
    const source = { type: 'airbyte', command: [process.execPath, FAKE], config: connectorConfig, ...extra };
    for await (const m of airbyteSource.read(source, { streams: [] }, state, { baseDir: ROOT, logger })) messages.push(m);
  } catch (e) {
    error = e as Error;
  }
  const records = messages.filter((m): m is Extract<AirbyteMessage, { type: 'RECORD' }> => m.type === 'RECORD');
  const states = messages.filter((m): m is Extract<AirbyteMessage, { type: 'STATE' }> => m.type === 'STATE');
  return { messages, records, states, error, logs: lines };
}

describe('airbyte source: a connector process', () => {
  it('runs check, discover and read, passes the saved state, and sends LOG lines and stderr to our log', async () => {
    const r = await read({ records: 4, state_every: 2 }, {}, { items: { cursor: 10 } });
    expect(r.error).toBeUndefined();
    expect(r.records.map((m) => m.record.data.id)).toEqual([11, 12, 13, 14]);
    expect(r.states.map((m) => m.state.stream?.stream_state)).toEqual([{ cursor: 12 }, { cursor: 14 }]);
    expect(r.messages.some((m) => m.type === 'LOG')).toBe(false);
    const msgs = r.logs.map((l) => String(l.msg));
    expect(msgs).toContain('reading from 10');
    expect(msgs).toContain('fake-source starting at cursor 10');
    expect(r.logs.find((l) => l.msg === 'reading from 10')?.connector).toBe('fake-source.mjs read');
  });

  it('fails a check with the connector message', async () => {
    const r = await read({ fail_check: true });
    expect(r.error?.message).toMatch(/check failed: bad api key/);
    expect(r.records).toEqual([]);
  });

  it('a connector that exits non-zero mid-stream: messages before the crash are delivered, then the failure', async () => {
    const r = await read({ records: 10, state_every: 3, behaviour: 'crash_after', crash_after: 7 });
    expect(r.records.map((m) => m.record.data.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r.states.at(-1)?.state.stream?.stream_state).toEqual({ cursor: 6 });
    expect(r.error).toMatchObject({ code: 'CONNECTOR_FAILED' });
    expect(r.error?.message).toMatch(/exited with code 3; last output:\n.*Traceback: connection reset by peer/s);
  });

  it('a TRACE error is a failure carrying the connector message', async () => {
    const r = await read({ records: 10, behaviour: 'trace_error', crash_after: 2 });
    expect(r.records).toHaveLength(2);
    expect(r.error).toMatchObject({ code: 'CONNECTOR_FAILED' });
    expect(r.error?.message).toContain('reported an error: upstream API returned 500 (exit code 1)');
  });

  it('malformed lines: text becomes a log line, a broken RECORD a rejected record with its reason, an unknown type is skipped', async () => {
    const r = await read({ records: 3, behaviour: 'malformed' });
    expect(r.error).toBeUndefined();
    const good = r.records.filter((m) => !m.record.data._proofline_error);
    const bad = r.records.filter((m) => m.record.data._proofline_error);
    expect(good.map((m) => m.record.data.id)).toEqual([1, 2, 3]);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.record.stream).toBe('items');
    expect(bad[0]!.record.data._proofline_error).toMatchObject({ rule: 'invalid_message' });
    expect(r.logs.some((l) => l.msg === 'this is not json')).toBe(true);
    expect(r.logs.some((l) => String(l.msg).includes('unknown message type "NOPE"'))).toBe(true);
  });

  it('records for a stream not in the catalog are rejected with a reason', async () => {
    const r = await read({ records: 3, behaviour: 'unknown_stream' });
    const bad = r.records.filter((m) => m.record.data._proofline_error);
    expect(bad).toHaveLength(1);
    expect(bad[0]!.record.data._proofline_error).toMatchObject({ rule: 'unknown_stream' });
    expect(String((bad[0]!.record.data._proofline_error as JsonObject).message)).toMatch(/stream ghosts, which is not in the configured catalog \(items\)/);
    expect(r.records).toHaveLength(4);
  });

  it('very large records: a 5 MB record passes; over max_line_bytes it becomes a rejected record', async () => {
    const ok = await read({ records: 3, behaviour: 'large', large_bytes: 5 * 1024 * 1024 });
    expect(ok.error).toBeUndefined();
    expect((ok.records[1]!.record.data.payload as string).length).toBe(5 * 1024 * 1024);
    const cut = await read({ records: 3, behaviour: 'large', large_bytes: 2 * 1024 * 1024 }, { max_line_bytes: 1024 * 1024 });
    expect(cut.records.map((m) => m.record.data.id ?? null)).toEqual([1, null, 3]);
    expect(cut.records[1]!.record.data._proofline_error).toMatchObject({ rule: 'oversized_line' });
    expect(String((cut.records[1]!.record.data._proofline_error as JsonObject).message)).toMatch(/exceeds the maximum of 1048576 bytes/);
  });

  it('a connector that never ends is killed after timeout_ms with a clear message', async () => {
    const r = await read({ records: 2, state_every: 1, behaviour: 'hang' }, { timeout_ms: 1500 });
    expect(r.records).toHaveLength(2);
    expect(r.states).toHaveLength(2);
    expect(r.error).toMatchObject({ code: 'CONNECTOR_TIMEOUT' });
    expect(r.error?.message).toBe('connector fake-source.mjs read did not finish within 1500 ms and was killed');
  });
});
