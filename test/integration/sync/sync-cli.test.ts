import { describe, expect, it } from 'vitest';
import { probeCapabilities } from '../../../src/store/capabilities.js';
import { runCli, scratchDatabases, stackUris, uniqueDb, weatherExampleCopy } from '../../helpers.js';
import { fixture } from './sync-fixture.js';

/** `proofline sync` as a user runs it: the weather example, --json, the table, exit codes 0/1/2. */

const scratch = scratchDatabases();
const dbs = scratch.dbs;

interface JsonReport {
  status: string;
  streams: Array<{ stream: string; read: number; inserted: number; updated: number; unchanged: number; duplicate: number; rejected: number; rejectedByKind: Record<string, number>; balanced: boolean }>;
}

describe('proofline sync', () => {
  it('syncs the weather example twice: the second run inserts nothing and the rest is unchanged', async () => {
    const database = uniqueDb('weather');
    dbs.push(database);
    // A copy of the example with its own database (MONGODB_URI overrides the URI).
    const file = weatherExampleCopy(database);
    const env = { MONGODB_URI: stackUris().primary, PROOFLINE_LOG_LEVEL: 'info' };

    const first = await runCli(['sync', '--config', file, '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    // FerretDB enforces no $jsonSchema validator: the capability probe says so and the log tells why.
    const caps = await probeCapabilities(scratch.client);
    if (!caps.jsonSchemaValidator.supported) {
      expect(first.stderr).toContain('$jsonSchema validator skipped on hourly_measurements');
      expect(first.stderr).toContain('"reason":"not supported by this server');
    }
    const r1 = JSON.parse(first.stdout) as JsonReport;
    expect(r1.streams.map((s) => s.stream)).toEqual(['infoclimat_hourly', 'wunderground_hourly', 'infoclimat_stations', 'wunderground_stations']);
    for (const s of r1.streams) expect(s.balanced, s.stream).toBe(true);
    // The bad rows listed in examples/weather/data/README.md: 6 per hourly source.
    expect(r1.streams[0]!.rejected).toBe(6);
    expect(r1.streams[1]!.rejected).toBe(6);
    expect(r1.streams[1]!.rejectedByKind).toMatchObject({ dst_gap: 1, compass_format: 1, time_format: 1, number_format: 1, maximum: 2 });
    const hourly = r1.streams[0]!.inserted + r1.streams[1]!.inserted;
    expect(await scratch.client.db(database).collection('hourly_measurements').countDocuments()).toBe(hourly);
    expect(await scratch.client.db(database).collection('hourly_measurements_rejects').countDocuments()).toBe(12);

    const second = await runCli(['sync', '--config', file], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('read = inserted + updated + unchanged + duplicate + rejected: holds for every stream');
    const secondJson = await runCli(['sync', '--config', file, '--json'], { env });
    const r2 = JSON.parse(secondJson.stdout) as JsonReport;
    for (const [i, s] of r2.streams.entries()) {
      expect(s.inserted, s.stream).toBe(0);
      expect(s.updated, s.stream).toBe(0);
      expect(s.unchanged, s.stream).toBe(s.read - s.rejected - s.duplicate);
      expect(s.read, s.stream).toBe(r1.streams[i]!.read);
    }
    expect(await scratch.client.db(database).collection('hourly_measurements').countDocuments()).toBe(hourly);
    expect(await scratch.client.db(database).collection('hourly_measurements_rejects').countDocuments()).toBe(12);
    // The summary table: one row per stream plus the total, plain text under NO_COLOR.
    expect(second.stdout).toMatch(/wunderground_hourly\s+│\s+hourly_measurements\s+│\s+\d+\s+│\s+0\s+│\s+0\s+│/);
    expect(second.stdout).not.toContain('\u001b[');
  });

  it('--stream runs one stream; an unknown one is a usage error (exit 2)', async () => {
    const f = fixture('clistream');
    dbs.push(f.database);
    f.writeFile('a.jsonl', [{ station: 'S0', seq: 1, temp: 1 }]);
    const file = f.configFile({});
    const ok = await runCli(['sync', '--config', file, '--stream', 'obs', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect((JSON.parse(ok.stdout) as JsonReport).streams.map((s) => s.stream)).toEqual(['obs']);
    const bad = await runCli(['sync', '--config', file, '--stream', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown stream "nope"');
  });

  it('exits 1 when a stream rejects more than max_reject_rate', async () => {
    const f = fixture('clirate');
    dbs.push(f.database);
    f.writeFile('a.jsonl', [{ station: 'S0', seq: 1, temp: 1 }, { station: 'S0', seq: 2, temp: 500 }]);
    const r = await runCli(['sync', '--config', f.configFile({ max_reject_rate: 0.1 }), '--json']);
    expect(r.code).toBe(1);
    expect((JSON.parse(r.stdout) as JsonReport).streams[0]).toMatchObject({ read: 2, inserted: 1, rejected: 1, rejectRateExceeded: true });
  });

  it('is loud by default: without max_reject_rate, 100 % rejected exits 1 naming the stream and why', async () => {
    const f = fixture('cliloud');
    dbs.push(f.database);
    f.writeFile('a.jsonl', [{ station: 'S0', seq: 1, temp: 'warm' }, { station: 'S0', seq: 2, temp: 500 }]);
    const r = await runCli(['sync', '--config', f.configFile({})]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/obs .*failed: rejected all 2 records read \(100 % always fails\)/);
    expect(r.stderr).toContain('stream obs rejected all 2 records read');
  });

  it('warns at each run and marks "not validated" a stream without a schema', async () => {
    const f = fixture('clinoschema');
    dbs.push(f.database);
    f.writeFile('a.jsonl', [{ station: 'S0', seq: 1, temp: 'abc' }]);
    const r = await runCli(['sync', '--config', f.configFile({ destination: { collection: 'obs', primary_key: ['station', 'seq'] } }), '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('stream obs has no target schema');
    expect((JSON.parse(r.stdout) as JsonReport).streams[0]).toMatchObject({ inserted: 1, validated: false, validation: 'not validated' });
  });

  it('exits 1 when a source fails, and records the failed run with its error', async () => {
    const f = fixture('clifail');
    dbs.push(f.database);
    const r = await runCli(['sync', '--config', f.configFile({ source: { type: 'files', path: 'no-such-folder', format: 'jsonl', stream: 'obs' } }), '--json']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as JsonReport & { streams: Array<{ status: string; error?: string }> };
    expect(report.status).toBe('failed');
    expect(report.streams[0]).toMatchObject({ status: 'failed', read: 0, balanced: true });
    expect(report.streams[0]!.error).toContain('no-such-folder');
    const run = await scratch.client.db(f.database).collection('_proofline_runs').findOne({});
    expect(run).toMatchObject({ status: 'failed', streams: [{ stream: 'obs', status: 'failed' }] });
    expect(run!.finishedAt).toBeInstanceOf(Date);
  });

  it('exits 2 with a message naming the bad key and what was expected', async () => {
    const f = fixture('clibad');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ destination_sync_mode: 'upsert' }, 'streams.0.destination_sync_mode: must be one of "overwrite", "append", "append_dedup"'],
      [{ source: { type: 'files', path: 'data', format: 'xml', stream: 'obs' } }, 'streams[0].source.format: must be one of "jsonl", "csv", "airbyte_jsonl"'],
      [{ source: { type: 'files', format: 'jsonl', stream: 'obs' } }, 'streams[0].source.path: is required'],
      [{ source: { type: 'ftp' } }, 'streams[0].source.type: must be one of'],
      [{ mapping: 'nope' }, 'streams[0] (obs).mapping: must be "identity", a mapping file'],
      [{ batch_size: 0 }, 'streams.0.batch_size: must be >= 1'],
      [{ destination: { collection: 'obs' }, destination_sync_mode: 'append_dedup' }, 'streams[0].destination.primary_key: is required when destination_sync_mode is append_dedup'],
    ];
    for (const [stream, message] of cases) {
      const r = await runCli(['sync', '--config', f.configFile(stream)]);
      expect(r.code, JSON.stringify(stream)).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });
});
