import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type PipelineConfig } from '../../../src/config/load.js';
import { setReplicationPaused } from '../../../src/stack/stack.js';
import { startMonitor, type MonitorHandle } from '../../../src/monitor/service.js';
import { pollUntil, sleep, stackUris, uniqueDb } from '../../helpers.js';
import { get, prepareReplication } from './monitor-helpers.js';

/**
 * Exact staleness under a real fault: WAL replay paused on the standby for ~20 s while the
 * monitor runs the replication check every 2 s. The staleness it reports must agree with
 * PostgreSQL's own replay lag (within 2 s: an accuracy assertion, not a timing one), its
 * replication gauges must be on /metrics at every scrape, and once replay resumes it
 * reports the real delay of the marker it kept watching.
 */

const PAUSE_MS = 20_000;

interface Digest {
  status: string;
  measurements: { key: string; value: number | null }[];
}

describe('exact staleness in the monitor', () => {
  let monitor: MonitorHandle;
  let config: PipelineConfig;

  beforeAll(async () => {
    const uris = stackUris();
    config = parseConfig(
      {
        name: 'staleness-test',
        mongodb: { uri: uris.primary, database: uniqueDb('stale'), replicas: uris.replicas, timeout_ms: 3000, postgres_url: uris.postgresPrimary },
        checks: {
          availability: { enabled: false },
          schema: { enabled: false },
          quality: { enabled: false },
          coherence: { enabled: false },
          replication: { interval: '2s', samples: 2, timeout_ms: 500, max_lag_p95_ms: 2000, stale_cap_ms: 120_000 },
        },
        monitor: { port: 0, check_timeout: '20s' },
      },
      'staleness-test.yaml',
      {},
    );
    await prepareReplication(config);
    monitor = await startMonitor(config);
    const green = await pollUntil(async () => (await latest())?.status === 'pass', 20_000, 100);
    expect(green.value).toBe(true);
  });

  afterAll(async () => {
    await setReplicationPaused(false).catch(() => undefined);
    await monitor?.close();
  });

  async function latest(): Promise<Digest | undefined> {
    const s = (await get(`${monitor.url}/api/status`)).json() as { checks: { name: string; latest: Digest | null }[] };
    return s.checks.find((c) => c.name === 'replication')?.latest ?? undefined;
  }
  const value = (d: Digest | undefined, key: string): number | null | undefined => d?.measurements.find((m) => m.key === key)?.value;

  /** Every replication series the monitor must never drop, with its value in this scrape. */
  function series(body: string): Record<string, number | undefined> {
    const one = (re: RegExp): number | undefined => {
      const m = re.exec(body);
      return m ? Number(m[1]) : undefined;
    };
    return {
      staleness: one(/^proofline_replication_staleness_seconds\{replica="replica-1"\} (\S+)$/m),
      lag: one(/^proofline_replication_lag_seconds\{replica="replica-1"\} (\S+)$/m),
      serverLag: one(/^proofline_replication_server_lag_seconds\{member="[^"]+",source="pg_stat_replication"\} (\S+)$/m),
      serverBytes: one(/^proofline_replication_server_lag_bytes\{member="[^"]+",source="pg_stat_replication"\} (\S+)$/m),
    };
  }

  it('reports the staleness PostgreSQL reports, keeps every gauge on /metrics, and measures the real delay after resume', async () => {
    const scrapes: Record<string, number | undefined>[] = [series((await get(`${monitor.url}/metrics`)).body)];
    await setReplicationPaused(true);
    const pausedAt = Date.now();
    let lastStale: Digest | undefined;
    try {
      while (Date.now() - pausedAt < PAUSE_MS) {
        await sleep(1_000);
        scrapes.push(series((await get(`${monitor.url}/metrics`)).body));
        const d = await latest();
        if (d?.status === 'fail' && (value(d, 'stale_ms[replica-1]') ?? 0) > 0) lastStale = d;
      }
    } finally {
      await setReplicationPaused(false);
    }
    // Present at every scrape, before and during the pause.
    for (const [i, s] of scrapes.entries()) for (const [name, v] of Object.entries(s)) expect(v, `${name} at scrape ${i}`).toBeTypeOf('number');
    // The staleness gauge grows while replay is paused.
    expect(scrapes.at(-1)!.staleness!).toBeGreaterThan(10);
    expect(scrapes.at(-1)!.serverBytes!).toBeGreaterThan(0);

    // Accuracy: the last stale run's figure against PostgreSQL's replay lag read in the same run.
    const stale = value(lastStale, 'stale_ms[replica-1]')!;
    const pg = lastStale!.measurements.find((m) => /^server_lag_ms\[/.test(m.key))!.value!;
    expect(stale).toBeGreaterThan(12_000);
    expect(Math.abs(stale - pg), `proofline ${stale} ms vs PostgreSQL ${pg} ms`).toBeLessThanOrEqual(2_000);

    // After resume: the watched marker appears, and its real delay is reported once.
    const caught = await pollUntil(async () => {
      const d = await latest();
      return value(d, 'caught_up_after_ms[replica-1]') ?? undefined;
    }, 30_000, 200);
    expect(caught.value, 'no caught-up delay reported after resume').toBeGreaterThan(12_000);
    expect(caught.value!).toBeLessThan(PAUSE_MS + 10_000);
    const after = series((await get(`${monitor.url}/metrics`)).body);
    expect(after.staleness).toBe(0);
  });
});
