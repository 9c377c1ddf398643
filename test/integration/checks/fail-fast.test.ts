import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runChecks } from '../../../src/checks/run.js';
import { endpointsOf } from '../../../src/checks/endpoints.js';
import { CheckSession } from '../../../src/checks/check-session.js';
import type { PipelineConfig } from '../../../src/config/load.js';
import { freePort, outputPath, runCli, stackUris, uniqueDb } from '../../helpers.js';
import { WEATHER_SCHEMA, config as makeConfig, configFile } from './cases/config.js';

/**
 * Fail fast: with the primary down, the first step that finds it tells the others. Proven
 * by what was attempted (connection attempts, the findings' wording), never by elapsed time.
 */

const UNREACHABLE = /^primary \(127\.0\.0\.1:\d+\) unreachable \[CONNECTION_REFUSED\]: /;
const HEARSAY = /\(found unreachable by the (availability check|read of the sync runs) of this run; not tried again\)$/;

describe('fail fast when the primary is unreachable', () => {
  const db = uniqueDb('failfast');
  const checks = {
    availability: { ping_samples: 2, op_samples: 1 },
    schema: { collections: [{ collection: 'hourly_measurements', schema: WEATHER_SCHEMA }] },
    quality: { collection: 'hourly_measurements', rules: [{ type: 'null_rate', field: 'temperature_c', max: 0.5 }] },
    replication: { samples: 2, timeout_ms: 1000 },
    coherence: { collection: 'hourly_measurements', fields: ['temperature_c'] },
  };
  let primaryUri: string;
  let config: PipelineConfig;

  beforeAll(async () => {
    primaryUri = `mongodb://127.0.0.1:${await freePort()}/`;
    config = makeConfig(db, checks, { uri: primaryUri });
  });

  it('`check all`: one connection attempt to the primary for the five checks, each of which says it is unreachable', async () => {
    const reach = new CheckSession(config);
    const results = await runChecks(config, 'all', { session: reach });
    await reach.close();
    expect(results.map((r) => r.name)).toEqual(['availability', 'schema', 'quality', 'replication', 'coherence']);
    expect(reach.attempts(endpointsOf(config)[0]!)).toBe(1);
    const primaryFindings = results.map((r) => r.findings.find((f) => UNREACHABLE.test(f.message))?.message);
    for (const [i, r] of results.entries()) {
      expect(r.status, r.name).toBe('fail');
      expect(primaryFindings[i], r.name).toBeDefined();
    }
    // The first check found it; the four after it were told.
    expect(primaryFindings[0]).not.toMatch(HEARSAY);
    for (const m of primaryFindings.slice(1)) expect(m).toMatch(/\(found unreachable by the availability check of this run; not tried again\)$/);
    // The replica is still measured: only the member that is down is skipped.
    expect(reach.attempts(endpointsOf(config)[1]!)).toBeGreaterThan(0);
    expect(results[0]!.measurements['endpoint_up[replica-1]']?.value).toBe(1);
  });

  it('a primary that accepts connections but never answers costs one timeout for the whole run', async () => {
    // A hung server: TCP accepts, nothing ever comes back, so the driver waits for its timeout.
    const sockets: Socket[] = [];
    const hung = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    try {
      const uri = `mongodb://127.0.0.1:${(hung.address() as { port: number }).port}/`;
      const c = makeConfig(db, checks, { uri, replicas: [] });
      const reach = new CheckSession(c);
      const results = await runChecks(c, 'all', { session: reach });
      await reach.close();
      expect(reach.attempts(endpointsOf(c)[0]!)).toBe(1);
      // Without replicas the replication check has nothing to measure and never connects.
      expect(results.find((r) => r.name === 'replication')!.status).toBe('unsupported');
      for (const r of results.filter((x) => x.name !== 'replication')) expect(r.findings.some((f) => /^primary \(127\.0\.0\.1:\d+\) unreachable \[SERVER_TIMEOUT\]/.test(f.message)), r.name).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => hung.close(r));
    }
  });

  it('`report`: the runs, every check and the environment say "primary unreachable" from one attempt', async () => {
    const file = configFile(db, checks, { uri: primaryUri });
    const out = join(outputPath(`failfast-${db}`), 'report.html');
    const r = await runCli(['report', '--config', file, '--out', out], { env: { MONGODB_URI: undefined, MONGODB_REPLICA_URIS: stackUris().replicas.join(',') } });
    expect(r.code, r.stderr.slice(-2000)).toBe(1);
    const report = JSON.parse(readFileSync(out.replace(/\.html$/, '.json'), 'utf8')) as {
      results: { name: string; status: string; findings: { message: string }[] }[];
      sections: { title: string; data: unknown }[];
    };
    const messages = report.results.map((x) => x.findings.find((f) => UNREACHABLE.test(f.message))?.message ?? `${x.name}: no unreachable finding`);
    for (const m of messages) expect(m).toMatch(UNREACHABLE);
    // The report read its sync runs first: that was the one attempt; every check was told.
    for (const m of messages) expect(m).toMatch(/\(found unreachable by the read of the sync runs of this run; not tried again\)$/);
    const env = JSON.stringify(report.sections.find((s) => s.title === 'Environment')?.data ?? {});
    expect(env).toContain('not tried again');
  });
});
