import { describe, expect, it } from 'vitest';
import { summarizeRun } from '../../../src/report/runs.js';
import type { RunDoc, RunStreamDoc } from '../../../src/store/run-store.js';
import { describeTopology } from '../../../src/report/environment.js';
import { jsonTwinPath } from '../../../src/cli/report.js';

const run = (over: Partial<RunDoc>): RunDoc => ({
  _id: 'r1',
  runId: 'r1',
  pipeline: 'p',
  origin: 'sync',
  status: 'succeeded',
  startedAt: new Date('2024-10-26T00:00:00Z'),
  requestedStreams: [],
  streams: [],
  pid: 1,
  host: 'h',
  ...over,
});
const counts = { read: 10, inserted: 5, updated: 2, unchanged: 1, duplicate: 0, rejected: 2, rejectedByKind: {} };
const stream = (over: Partial<RunStreamDoc>): RunStreamDoc => ({ stream: 's', collection: 'c', status: 'succeeded', durationMs: 1, ...counts, ...over });

describe('summarizeRun', () => {
  it('checks the accounting identity per stream', () => {
    const r = summarizeRun(
      run({
        streams: [
          stream({ stream: 'a', rejectedByKind: { out_of_range: 2 } }),
          stream({ stream: 'b', rejected: 1 }),
          // A stream the run never finished counting (a crash) has counters missing: not judged.
          { stream: 'c', collection: 'c', status: 'failed', durationMs: 0, read: 3 } as RunStreamDoc,
          stream({ stream: 'd', duplicate: 1, rejected: 1 }),
        ],
      }),
    );
    expect(r.startedAt).toBe('2024-10-26T00:00:00.000Z');
    expect(r.origin).toBe('sync');
    // b lacks one record; d has it as a duplicate.
    expect(r.streams.map((s) => s.balanced)).toEqual([true, false, null, true]);
    expect(r.streams[3]!.duplicate).toBe(1);
    expect(r.streams[0]!.reasons).toEqual({ out_of_range: 2 });
  });

  it('reads the schema drift a run recorded', () => {
    const r = summarizeRun(run({ streams: [stream({ drift: { policy: 'fail', fields: [{ field: 'wind', kind: 'new', records: 3 }] } })] }));
    expect(r.streams[0]!.drift).toEqual({ policy: 'fail', fields: [{ field: 'wind', kind: 'new', records: 3 }] });
    expect(summarizeRun(run({ streams: [stream({})] })).streams[0]!.drift).toBeUndefined();
  });

  it('reads a run the Airbyte destination recorded, still running', () => {
    const r = summarizeRun(run({ origin: 'destination', status: 'running' }));
    expect(r).toMatchObject({ origin: 'destination', status: 'running', finishedAt: null, streams: [] });
  });

  it('collects run and stream errors, redacted', () => {
    const r = summarizeRun(run({ status: 'failed', error: 'GET https://u:pw123@h/x failed', streams: [stream({ error: 'boom' })] }));
    expect(r.errors).toEqual(['GET https://***@h/x failed', 's: boom']);
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
