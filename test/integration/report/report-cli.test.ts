import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, pollUntil, primaryClient, runCli, spawnCli, stackUris, stopChild } from '../../helpers.js';
import { dropFixture, makeReportFixture, type ReportFixture } from './report-fixture.js';

/**
 * `proofline report` end to end on the local stack, read through its JSON twin: every
 * check, the runs and their accounting, the environment, the logs; a member that is
 * down; results reused from the monitor's history.
 */

interface Section {
  title: string;
  data: Record<string, unknown> & unknown[];
}
interface Report {
  status: string;
  results: { name: string; status: string; summary: string; thresholds: unknown[] }[];
  sections: Section[];
  server: { server: { flavor: string } } | null;
}


const section = (r: Report, title: string): Section => r.sections.find((s) => s.title === title)!;

let fixture: ReportFixture;
beforeAll(async () => {
  fixture = await makeReportFixture('cli');
});
afterAll(async () => {
  if (fixture) await dropFixture(fixture);
});

describe('proofline report', () => {
  it('writes the HTML and its JSON twin with every check, the runs, the environment and the logs', async () => {
    const out = join(fixture.dir, 'evidence', 'report.html');
    const r = await runCli(['report', '--config', fixture.config, '--out', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('verdict: fail');
    expect(existsSync(out)).toBe(true);
    const report = JSON.parse(readFileSync(join(fixture.dir, 'evidence', 'report.json'), 'utf8')) as Report;
    expect(report.status).toBe('fail');
    expect(report.results.map((x) => x.name)).toEqual(['availability', 'schema', 'quality', 'replication', 'coherence']);
    expect(report.results.find((x) => x.name === 'schema')!.status).toBe('fail');
    expect(report.sections.map((s) => s.title)).toEqual(['Thresholds', 'Data profile', 'Sync runs', 'Environment', 'Logs']);

    // The data profile: per source, per numeric field, null rate and quantiles; volume per day.
    const profile = section(report, 'Data profile').data as unknown as { collection: string; documents: number; volume: { count: number }[]; fields: { field: string; source: string; null_rate: number; quantiles: { p50: number } | null }[] }[];
    const hourlyProfile = profile.find((p) => p.collection === 'hourly_measurements')!;
    expect(hourlyProfile.volume.reduce((a, v) => a + v.count, 0)).toBe(hourlyProfile.documents);
    const temp = hourlyProfile.fields.filter((f) => f.field === 'temperature_c');
    expect(temp.map((f) => f.source).sort()).toEqual(['infoclimat', 'wunderground']);
    expect(temp.every((f) => f.quantiles !== null && f.null_rate < 1)).toBe(true);
    // The quarantine the sync filled, by rule and field, with where each record sits.
    const q = (report as unknown as { quarantine: { rejectsCollection: string; total: number; groups: { samples: { id: string }[] }[] }[] }).quarantine;
    expect(q[0]).toMatchObject({ rejectsCollection: 'hourly_measurements_rejects' });
    expect(q[0]!.total).toBeGreaterThan(0);

    const thresholds = section(report, 'Thresholds').data as unknown as { check: string; metric: string; verdict: string }[];
    expect(thresholds.find((t) => t.metric === 'invalid_rate[hourly_measurements]')).toMatchObject({ check: 'schema', verdict: 'fail' });
    expect(thresholds.filter((t) => t.check === 'availability').length).toBeGreaterThan(3);

    // The real sync's run record, newest first, then the older failed one.
    const runs = section(report, 'Sync runs').data as unknown as { runId: string; status: string; streams: { stream: string; read: number; rejected: number; balanced: boolean | null; reasons: Record<string, number> }[] }[];
    expect(runs.map((x) => x.runId)).toEqual([expect.stringMatching(/^\d{8}T\d{6}Z-/), 'run-older']);
    expect(runs[0]!.status).toBe('succeeded');
    expect(runs[0]!.streams.map((s) => s.stream).sort()).toEqual(['infoclimat_hourly', 'infoclimat_stations', 'wunderground_hourly', 'wunderground_stations']);
    expect(runs[0]!.streams.every((s) => s.balanced === true && s.read > 0)).toBe(true);
    const hourly = runs[0]!.streams.find((s) => s.stream === 'infoclimat_hourly')!;
    expect(Object.values(hourly.reasons).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(hourly.rejected);
    expect(hourly.rejected).toBeGreaterThan(0);

    const env = section(report, 'Environment').data as unknown as { topology: string; members: { label: string; reachable: boolean; capabilities: { getLog: { supported: boolean }; dbHash: { supported: boolean; detail: string } } }[] };
    expect(env.members.map((m) => [m.label, m.reachable])).toEqual([
      ['primary', true],
      ['replica-1', true],
    ]);
    // FerretDB answers getLog but has no dbHash: both are asked, neither assumed.
    expect(env.members[0]!.capabilities.getLog.supported).toBe(true);
    expect(env.members[0]!.capabilities.dbHash).toMatchObject({ supported: false, detail: expect.stringContaining('not supported by this server') });
    expect(report.server?.server.flavor).toMatch(/FerretDB/);

    const logs = section(report, 'Logs').data as unknown as { server: { member: string; supported: boolean; scanned: number }[]; runErrors: string[]; failedFindings: string[] };
    expect(logs.server[0]).toMatchObject({ member: 'primary', supported: true });
    expect(logs.server[0]!.scanned).toBeGreaterThan(0);
    expect(logs.runErrors).toEqual([expect.stringContaining('run-older')]);
    expect(logs.failedFindings.some((f) => f.startsWith('schema:'))).toBe(true);

    const all = readFileSync(out, 'utf8') + readFileSync(join(fixture.dir, 'evidence', 'report.json'), 'utf8');
    expect(all).not.toContain('hunter2');
  });

  it('reports a member that is down, with its classified error and no credentials, instead of crashing', async () => {
    const down = 'mongodb://proofline:s3cr3t-pw@127.0.0.1:1/?directConnection=true';
    const out = join(fixture.dir, 'down', 'report.html');
    const r = await runCli(['report', '--config', fixture.config, '--out', out], { env: { MONGODB_REPLICA_URIS: `${stackUris().replicas[0]},${down}` } });
    expect(r.code, r.stderr).toBe(1);
    const text = readFileSync(out, 'utf8') + readFileSync(join(fixture.dir, 'down', 'report.json'), 'utf8') + r.stdout + r.stderr;
    expect(text).not.toContain('s3cr3t-pw');
    const report = JSON.parse(readFileSync(join(fixture.dir, 'down', 'report.json'), 'utf8')) as Report;
    const env = section(report, 'Environment').data as unknown as { topology: string; members: { label: string; reachable: boolean; error?: string }[] };
    expect(env.members[2]).toMatchObject({ label: 'replica-2', reachable: false, error: expect.stringContaining('[CONNECTION_REFUSED]') });
    expect(env.topology).toContain('unreachable: replica-2');
    expect(report.results.find((x) => x.name === 'availability')!.status).toBe('fail');
  });

  it('reuses fresh results from the monitor history with --from-history and runs the rest live', async () => {
    const client = await primaryClient();
    try {
      const now = Date.now();
      await client
        .db(fixture.db)
        .collection('_proofline_check_history')
        .insertMany([
          { kind: 'check', at: new Date(now - 30_000), check: 'availability', status: 'pass', summary: 'from the monitor: 2/2 endpoints reachable', startedAt: new Date(now - 31_000).toISOString(), durationMs: 120, latencyMs: {}, availability: {}, invalidRate: {}, lagMs: {}, measurements: [{ key: 'connect_ms[primary]', metric: 'connect_ms', value: 3, unit: 'ms' }] },
          { kind: 'check', at: new Date(now - 3_600_000), check: 'quality', status: 'fail', summary: 'an old quality run', startedAt: new Date(now - 3_600_000).toISOString(), durationMs: 50, latencyMs: {}, availability: {}, invalidRate: {}, lagMs: {}, measurements: [] },
        ]);
    } finally {
      await client.close();
    }
    const out = join(fixture.dir, 'history', 'report.html');
    const r = await runCli(['report', '--config', fixture.config, '--out', out, '--from-history', '--max-age', '10m']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(fixture.dir, 'history', 'report.json'), 'utf8')) as Report;
    expect(report.results.find((x) => x.name === 'availability')!.summary).toBe('from the monitor: 2/2 endpoints reachable');
    // The stale quality entry is not reused: quality ran live and passed.
    expect(report.results.find((x) => x.name === 'quality')!.status).toBe('pass');
    const env = section(report, 'Environment').data as unknown as { checkSources: Record<string, string> };
    expect(env.checkSources.availability).toMatch(/^from the monitor history, recorded /);
    expect(env.checkSources.quality).toMatch(/^live \(latest history entry is \d+ s old/);
    expect(report.sections.map((s) => s.title)).toContain('Monitor history');
  });

  it('reads what a real `proofline monitor` recorded in its history', async () => {
    const port = await freePort();
    const startedAt = new Date();
    const monitor = spawnCli(['monitor', '--config', fixture.config, '--host', '127.0.0.1', '--port', String(port)], { env: { PROOFLINE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
    const client = await primaryClient();
    try {
      const history = client.db(fixture.db).collection('_proofline_check_history');
      // The monitor runs every enabled check when it starts, then on its interval.
      const recorded = await pollUntil(async () => (await history.distinct('check', { kind: 'check', at: { $gt: startedAt } })).length >= 4 || undefined, 60_000, 250);
      expect(recorded.value).toBe(true);
    } finally {
      await client.close();
      await stopChild(monitor);
    }
    const out = join(fixture.dir, 'monitor', 'report.html');
    const r = await runCli(['report', '--config', fixture.config, '--out', out, '--from-history', '--max-age', '1m']);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(readFileSync(join(fixture.dir, 'monitor', 'report.json'), 'utf8')) as Report;
    const env = section(report, 'Environment').data as unknown as { checkSources: Record<string, string> };
    for (const name of ['availability', 'schema', 'quality', 'replication']) {
      expect(env.checkSources[name], name).toMatch(/^from the monitor history, recorded /);
      // Recorded by this monitor, not the entries planted by the previous test.
      expect(new Date(env.checkSources[name]!.slice('from the monitor history, recorded '.length)).getTime()).toBeGreaterThan(startedAt.getTime());
    }
    // The monitor's verdicts carry over: the planted documents fail the schema check there too.
    expect(report.results.find((x) => x.name === 'schema')!.status).toBe('fail');
    expect(report.results.find((x) => x.name === 'availability')!.status).toBe('pass');
  });

  it('rejects bad usage with exit 2 and a message naming the problem', async () => {
    const r1 = await runCli(['report', '--config', fixture.config, '--out', join(fixture.dir, 'x.json')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toMatch(/--out names the HTML report/);
    const r2 = await runCli(['report', '--config', fixture.config, '--max-age', 'soon']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/--max-age must be a duration/);
    const r3 = await runCli(['report', '--config', join(fixture.dir, 'missing.yaml')]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toMatch(/cannot read config/);
  });
});
