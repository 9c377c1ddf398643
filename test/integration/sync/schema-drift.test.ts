import { describe, expect, it } from 'vitest';
import { runSync } from '../../../src/sync/run-sync.js';
import { runCli, scratchDatabases } from '../../helpers.js';
import { fixture } from './sync-fixture.js';

/** Schema drift on the stack: a new file adds a column and drops one; warn, fail and quarantine. */

const scratch = scratchDatabases();

interface DriftJson {
  status: string;
  streams: Array<{ read: number; inserted: number; rejected: number; rejectedByKind: Record<string, number>; driftFailed?: boolean; drift?: { policy: string; byKind: Record<string, number>; fields: Array<{ field: string; kind: string; records: number }> } }>;
}

function drifted(prefix: string) {
  const f = fixture(prefix);
  scratch.dbs.push(f.database);
  f.writeFile('a.jsonl', [{ station: 'S0', seq: 1, temp: 10 }]);
  // The new export: `humidity` appears, `temp` is gone.
  f.writeFile('b.jsonl', [{ station: 'S0', seq: 2, humidity: 80 }, { station: 'S0', seq: 3, humidity: 81 }]);
  return f;
}

const stream = (drift: string) => ({
  destination: { collection: 'obs', primary_key: ['station', 'seq'] },
  expected_columns: { station: 'string', seq: 'integer', temp: 'number' },
  drift,
  max_reject_rate: 1,
});

describe('schema drift', () => {
  it('warn: the run reports the added and the dropped field everywhere and succeeds', async () => {
    const f = drifted('driftwarn');
    const r = await runCli(['sync', '--config', f.configFile(stream('warn'))]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('schema drift in obs (drift: warn): new field humidity (2 records); missing field temp (2 records)');
    expect(r.stderr).toContain('stream obs: schema drift against expected_columns: new field humidity (2 records); missing field temp (2 records)');
    const json = JSON.parse((await runCli(['sync', '--config', f.configFile(stream('warn')), '--json'])).stdout) as DriftJson;
    expect(json.streams[0]!.drift).toMatchObject({ policy: 'warn', byKind: { new: 1, missing: 1, type_changed: 0 } });
    const run = await scratch.client.db(f.database).collection('_proofline_runs').find().sort({ startedAt: -1 }).limit(1).next();
    expect(run!.streams[0].drift.fields).toEqual([
      { field: 'humidity', kind: 'new', seen: 'integer', records: 2 },
      { field: 'temp', kind: 'missing', expected: 'number', records: 2 },
    ]);
  });

  it('reads the expected columns from the mapping declaration when the stream declares none', async () => {
    const f = drifted('driftmap');
    const r = await runSync(
      f.config({
        destination: { collection: 'obs', primary_key: ['station', 'seq'] },
        mapping: { expected_columns: ['station', 'seq', 'temp'], keep_unmapped: true, fields: { station: 'text' } },
      }),
    );
    expect(r.streams[0]!.drift).toMatchObject({ policy: 'warn', byKind: { new: 1, missing: 1, type_changed: 0 } });
    expect(r.streams[0]!.drift!.fields.map((x) => `${x.kind} ${x.field}`)).toEqual(['new humidity', 'missing temp']);
  });

  it('fail: exit 1 naming the fields', async () => {
    const f = drifted('driftfail');
    const r = await runCli(['sync', '--config', f.configFile(stream('fail')), '--json']);
    expect(r.code, r.stderr).toBe(1);
    const json = JSON.parse(r.stdout) as DriftJson;
    expect(json.streams[0]).toMatchObject({ driftFailed: true, driftReason: 'schema drift: new field humidity (2 records); missing field temp (2 records)' });
    expect(r.stderr).toContain('drift: fail, the run fails');
  });

  it('quarantine: the drifting records are rejected with kind drift, the others stored', async () => {
    const f = drifted('driftq');
    const r = await runCli(['sync', '--config', f.configFile(stream('quarantine')), '--json']);
    const json = JSON.parse(r.stdout) as DriftJson;
    expect(json.streams[0]).toMatchObject({ read: 3, inserted: 1, rejected: 2, rejectedByKind: { drift: 2 } });
    const rejects = await scratch.client.db(f.database).collection('obs_rejects').find().sort({ 'location.row': 1 }).toArray();
    expect(rejects.map((x) => x.location)).toEqual([
      { file: 'data/b.jsonl', row: 1 },
      { file: 'data/b.jsonl', row: 2 },
    ]);
    expect(rejects[0]!.failures).toEqual([
      { field: 'temp', rule: 'drift', value: null, message: 'missing field temp' },
      { field: 'humidity', rule: 'drift', value: 80, message: 'new field humidity' },
    ]);
    // 2 of 3 rejected is above the default 10 %; this stream sets max_reject_rate 1, so only rejecting all would fail.
    expect(r.code, r.stderr).toBe(0);
  });
});
