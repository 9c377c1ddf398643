import { describe, expect, it } from 'vitest';
import { summarizeRun } from '../../../src/report/runs.js';
import { describeTopology } from '../../../src/report/environment.js';
import { jsonTwinPath } from '../../../src/cli/report.js';

describe('summarizeRun', () => {
  it('checks the accounting identity per stream', () => {
    const run = summarizeRun({
      runId: 'r1',
      status: 'succeeded',
      startedAt: new Date('2024-10-26T00:00:00Z'),
      streams: [
        { stream: 'a', read: 10, inserted: 5, updated: 2, unchanged: 1, rejected: 2, rejectionReasons: { out_of_range: 2 } },
        { stream: 'b', read: 10, inserted: 5, updated: 2, unchanged: 1, rejected: 1 },
        { stream: 'c', read: 3 },
        { stream: 'd', read: 10, inserted: 5, updated: 2, unchanged: 1, duplicate: 1, rejected: 1 },
      ],
    });
    expect(run.startedAt).toBe('2024-10-26T00:00:00.000Z');
    // b lacks one record; d has it as a duplicate (runs recorded before duplicates counted read as 0).
    expect(run.streams.map((s) => s.balanced)).toEqual([true, false, null, true]);
    expect(run.streams[3]!.duplicate).toBe(1);
    expect(run.streams[0]!.reasons).toEqual({ out_of_range: 2 });
  });

  it('reads the schema drift a run recorded', () => {
    const run = summarizeRun({ runId: 'r', streams: [{ stream: 's', read: 1, inserted: 1, updated: 0, unchanged: 0, rejected: 0, drift: { policy: 'fail', fields: [{ field: 'wind', kind: 'new', records: 3 }, { kind: 'missing' }] } }] });
    expect(run.streams[0]!.drift).toEqual({ policy: 'fail', fields: [{ field: 'wind', kind: 'new', records: 3 }] });
    expect(summarizeRun({ runId: 'r', streams: [{ stream: 's' }] }).streams[0]!.drift).toBeUndefined();
  });

  it('accepts streams keyed by name, counts nested under counts, and reasons as a list', () => {
    const run = summarizeRun({ _id: 'x', streams: { s: { counts: { read: 2, inserted: 1, updated: 0, unchanged: 0, rejected: 1 }, reasons: [{ kind: 'schema', count: 1 }] } } });
    expect(run.runId).toBe('x');
    expect(run.status).toBe('unknown');
    expect(run.streams[0]).toMatchObject({ stream: 's', balanced: true, reasons: { schema: 1 } });
  });

  it('collects run and stream errors, redacted', () => {
    const run = summarizeRun({ runId: 'r', status: 'failed', error: 'GET https://u:pw123@h/x failed', streams: [{ stream: 's', read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, error: 'boom' }] });
    expect(run.errors).toEqual(['GET https://***@h/x failed', 's: boom']);
  });
});

describe('describeTopology', () => {
  it('names the members, the set, the server and who is down', () => {
    const caps = { server: { version: '7.0.14', flavor: 'MongoDB-compatible', maxWireVersion: 21, isWritablePrimary: true, setName: 'rs0' } } as never;
    const t = describeTopology([
      { label: 'primary', role: 'primary', host: 'a', reachable: true, connectMs: 1, capabilities: caps, hello: { isWritablePrimary: true, secondary: false, setName: 'rs0', hosts: [], primary: 'a' } },
      { label: 'replica-1', role: 'replica', host: 'b', reachable: false, connectMs: 1 },
      { label: 'replica-2', role: 'replica', host: 'c', reachable: true, connectMs: 1 },
    ]);
    expect(t).toBe('primary + 2 replicas; replica set rs0; MongoDB-compatible, version 7.0.14, wire 21; unreachable: replica-1');
  });
});

describe('jsonTwinPath', () => {
  it('puts the JSON next to the HTML', () => {
    expect(jsonTwinPath('out/report.html')).toBe('out/report.json');
    expect(jsonTwinPath('evidence')).toBe('evidence.json');
  });
});
