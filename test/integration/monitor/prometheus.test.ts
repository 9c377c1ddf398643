import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMonitor, type MonitorHandle } from '../../../src/monitor/service.js';
import { freePort, pollUntil, ROOT, stopChild } from '../../helpers.js';
import { monitorConfig, prepareReplication } from './monitor-helpers.js';

/**
 * A real Prometheus (Debian package) scrapes the monitor every second, with the alert
 * rules from deploy/ loaded; its HTTP API must then return proofline's series with
 * plausible values.
 */

const PROMETHEUS = process.env.PROMETHEUS ?? '/usr/bin/prometheus';
const TOKEN = 'prom-scrape-token';


interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

describe('Prometheus scrapes the monitor', () => {
  let monitor: MonitorHandle;
  let prom: ChildProcess;
  let promUrl: string;
  let dir: string;
  let promLog = '';

  async function query(q: string): Promise<Sample[]> {
    const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await r.json()) as { status: string; data: { result: Sample[] } };
    expect(body.status).toBe('success');
    return body.data.result;
  }

  beforeAll(async () => {
    const config = monitorConfig({ monitor: { token_env: 'PL_PROM_TOKEN' } });
    await prepareReplication(config);
    monitor = await startMonitor(config, { env: { PL_PROM_TOKEN: TOKEN } });
    dir = mkdtempSync(join(tmpdir(), 'pl-prom-'));
    copyFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), join(dir, 'alerts.yml'));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'rule_files: [alerts.yml]',
        'scrape_configs:',
        '  - job_name: proofline',
        '    authorization: { type: Bearer, credentials: ' + TOKEN + ' }',
        `    static_configs: [{ targets: ['127.0.0.1:${monitor.port}'] }]`,
      ].join('\n'),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prom = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    prom.stderr!.on('data', (d: Buffer) => (promLog = (promLog + d.toString()).slice(-4000)));
    const ready = await pollUntil(async () => (await fetch(`${promUrl}/-/ready`).catch(() => undefined))?.ok, 30_000, 200);
    expect(ready.value, promLog).toBe(true);
  });

  afterAll(async () => {
    if (prom) await stopChild(prom);
    await monitor?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('returns proofline series with plausible values', async () => {
    const scraped = await pollUntil(async () => {
      const up = await query('up{job="proofline"}');
      const lag = await query('proofline_replication_lag_seconds');
      return up[0]?.value[1] === '1' && lag.length > 0;
    }, 30_000, 500);
    expect(scraped.value, promLog).toBe(true);

    const status = await query('proofline_check_status == 1');
    const byCheck = Object.fromEntries(status.map((s) => [s.metric.check, s.metric.status]));
    expect(byCheck).toMatchObject({ availability: 'pass', replication: 'pass' });

    const now = Date.now() / 1000;
    const lastSuccess = await query('proofline_check_last_success_timestamp_seconds');
    expect(lastSuccess.length).toBe(2);
    for (const s of lastSuccess) {
      expect(Number(s.value[1])).toBeGreaterThan(now - 120);
      expect(Number(s.value[1])).toBeLessThanOrEqual(now + 5);
    }

    const count = await query('sum(proofline_op_latency_seconds_count{op="ping"})');
    expect(Number(count[0]!.value[1])).toBeGreaterThan(0);
    const p95 = await query('histogram_quantile(0.95, sum by (le) (proofline_op_latency_seconds_bucket{op="ping"}))');
    expect(Number(p95[0]!.value[1])).toBeGreaterThan(0);
    expect(Number(p95[0]!.value[1])).toBeLessThan(1); // a local ping under a second

    const lag = await query('proofline_replication_lag_seconds');
    expect(Number(lag[0]!.value[1])).toBeGreaterThanOrEqual(0);
    expect(Number(lag[0]!.value[1])).toBeLessThan(3); // bounded by the check's timeout

    // Unsupported server statistics are flagged, never a fake zero.
    expect((await query('proofline_server_stats_info{section="connections",supported="false"}')).length).toBe(1);
    expect(await query('proofline_server_connections')).toEqual([]);

    // The shipped rules are loaded and evaluate over these series.
    const rules = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string }[] }[] } };
    const loaded = rules.data.groups.flatMap((g) => g.rules);
    expect(loaded.map((r) => r.name)).toContain('ProoflineCheckFailing');
    expect(loaded.every((r) => r.health !== 'err')).toBe(true);
  });

  it('answers every query of the shipped Grafana dashboard', async () => {
    const dash = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/dashboards/proofline.json'), 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    // rate() and increase() need a few scrapes of history.
    const enough = await pollUntil(async () => Number((await query('min(count_over_time(proofline_check_runs_total[1m]))'))[0]?.value[1] ?? 0) >= 4, 20_000, 500);
    expect(enough.value).toBe(true);
    const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThan(10);
    const empty: string[] = [];
    for (const { title, expr } of exprs) {
      const q = expr.replaceAll('$job', '.*').replaceAll('$__rate_interval', '1m').replaceAll('$__range', '5m');
      const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await r.json()) as { status: string; error?: string; data?: { result: unknown[] } };
      expect(body.status, `${title}: ${q} → ${body.error}`).toBe('success');
      if (!body.data!.result.length) empty.push(title);
    }
    // FerretDB reports no connections/opcounters, no sync and no schema check run here: everything else has data.
    const expectedEmpty = ['Invalid document rate', 'Records synced by outcome (rate)', 'Sync runs by status (increase over range)', 'Server connections', 'Server opcounters (rate)'];
    expect(empty.filter((t) => !expectedEmpty.includes(t))).toEqual([]);
  });
});
