import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startMonitor, type MonitorHandle } from '../../../src/monitor/service.js';
import type { PipelineConfig } from '../../../src/config/load.js';
import { pollUntil, stackUris } from '../../helpers.js';
import { captureLogs, get, monitorConfig, prepareReplication } from './monitor-helpers.js';

/**
 * The monitor's HTTP surface on the real stack with the real check suite: token auth,
 * query validation, credentials kept out of every output, history surviving a restart.
 */

const PASSWORD = 'S3cretMonitorPassw0rd';
const TOKEN = 'test-token-7f3a';

/** A PostgreSQL role the FerretDB gateway authenticates as (PLAIN), so a URI with user:password@ really connects. */
async function ensureRole(): Promise<void> {
  const client = new pg.Client({ connectionString: stackUris().postgresPrimary });
  await client.connect();
  try {
    await client.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'proofline_mon') THEN CREATE ROLE proofline_mon LOGIN SUPERUSER PASSWORD '${PASSWORD}'; END IF; END $$`);
  } finally {
    await client.end();
  }
}

function credentialUri(uri: string): string {
  return uri.replace('mongodb://', `mongodb://proofline_mon:${PASSWORD}@`).replace(/\/?$/, '/?authMechanism=PLAIN');
}

describe('monitor HTTP API', () => {
  let config: PipelineConfig;
  let monitor: MonitorHandle;
  let logs: ReturnType<typeof captureLogs>;
  const auth = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    await ensureRole();
    config = monitorConfig({ uri: credentialUri(stackUris().primary), monitor: { token_env: 'PL_TEST_MONITOR_TOKEN' } });
    await prepareReplication(config);
    logs = captureLogs();
    monitor = await startMonitor(config, { env: { PL_TEST_MONITOR_TOKEN: TOKEN } });
    const ok = await pollUntil(async () => {
      const r = await get(`${monitor.url}/api/status`, auth);
      const checks = (r.json() as { checks: { latest: unknown }[] }).checks;
      return checks.every((c) => c.latest);
    }, 30_000, 200);
    expect(ok.value).toBe(true);
  });

  afterAll(async () => {
    await monitor?.close();
    logs?.restore();
  });

  it('binds 127.0.0.1 by default', () => {
    expect(monitor.host).toBe('127.0.0.1');
  });

  it('serves /healthz without a token and everything else only with it', async () => {
    expect((await get(`${monitor.url}/healthz`)).status).toBe(200);
    for (const path of ['/metrics', '/api/status', '/api/history', '/api/runs', '/api/server-log', '/assets/dashboard.js']) {
      expect((await get(`${monitor.url}${path}`)).status, path).toBe(401);
      expect((await get(`${monitor.url}${path}`, { authorization: 'Bearer wrong' })).status, path).toBe(401);
      expect((await get(`${monitor.url}${path}`, auth)).status, path).toBe(200);
    }
    const page = await get(`${monitor.url}/`, { accept: 'text/html' });
    expect(page.status).toBe(401);
    expect(page.body).toContain('<form method="post" action="/login">');
  });

  it('the login form sets a cookie that opens the dashboard', async () => {
    const bad = await fetch(`${monitor.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' });
    expect(bad.status).toBe(401);
    const good = await fetch(`${monitor.url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(good.status).toBe(303);
    const cookie = good.headers.get('set-cookie')!.split(';')[0]!;
    expect(good.headers.get('set-cookie')).toMatch(/HttpOnly/);
    const page = await get(`${monitor.url}/`, { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<canvas id="chart-latency"');
  });

  it('rejects operator-shaped and out-of-bounds query parameters with 400', async () => {
    const bad = [
      '/api/history?check[$ne]=x',
      '/api/history?check=%7B%22%24ne%22%3A%22x%22%7D',
      '/api/history?check=nope',
      '/api/history?limit=%7B%22%24gt%22%3A0%7D',
      '/api/history?limit[$gt]=0',
      '/api/history?limit=0',
      '/api/history?limit=1001',
      '/api/history?limit=-5',
      '/api/history?limit=1e3',
      '/api/history?check=availability&check=schema',
      '/api/runs?limit=abc',
      '/api/runs?where=1',
      '/api/status?x=1',
    ];
    for (const path of bad) {
      const r = await get(`${monitor.url}${path}`, auth);
      expect(r.status, path).toBe(400);
      expect((r.json() as { error: string }).error.length, path).toBeGreaterThan(0);
    }
    const ok = await get(`${monitor.url}/api/history?check=availability&limit=5`, auth);
    expect(ok.status).toBe(200);
    const entries = (ok.json() as { entries: { check: string }[] }).entries;
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.length).toBeLessThanOrEqual(5);
    expect(entries.every((e) => e.check === 'availability')).toBe(true);
  });

  it('exposes check status, latency histograms and last-success timestamps in /metrics', async () => {
    const m = (await get(`${monitor.url}/metrics`, auth)).body;
    expect(m).toMatch(/proofline_check_status\{check="availability",status="pass"\} 1/);
    expect(m).toMatch(/proofline_op_latency_seconds_bucket\{le="\+Inf",endpoint="primary",op="ping"\} [1-9]/);
    expect(m).toMatch(/proofline_check_last_success_timestamp_seconds\{check="availability"\} \d{10}/);
    expect(m).toMatch(/proofline_replication_lag_seconds\{replica="[^"]+"\} \d/);
    // FerretDB has no serverStatus.connections: flagged unsupported, and no fake zero.
    expect(m).toMatch(/proofline_server_stats_info\{section="connections",supported="false"\} 1/);
    expect(m).not.toMatch(/^proofline_server_connections\{/m);
  });

  it('keeps the password out of pages, API answers, metrics and logs', async () => {
    const bodies = await Promise.all(
      ['/', '/metrics', '/api/status', '/api/history?limit=50', '/api/runs', '/api/server-log', '/assets/dashboard.js'].map(async (p) => (await get(`${monitor.url}${p}`, auth)).body),
    );
    const status = bodies[2]!;
    expect(status).toContain('127.0.0.1'); // the server is named…
    for (const b of bodies) expect(b).not.toContain(PASSWORD); // …its password never is
    expect(logs.lines.length).toBeGreaterThan(3);
    expect(logs.lines.join('\n')).not.toContain(PASSWORD);
    expect(logs.lines.some((l) => l.includes('"event":"check_run"'))).toBe(true);
  });

  it('serves the history from the database after a restart', async () => {
    const before = (await get(`${monitor.url}/api/history?check=availability&limit=1000`, auth)).json() as { source: string; entries: { at: string }[] };
    expect(before.source).toBe('database');
    const oldest = before.entries.at(-1)!.at;
    await monitor.close();
    const restartedAt = new Date().toISOString();
    monitor = await startMonitor(config, { env: { PL_TEST_MONITOR_TOKEN: TOKEN } });
    const after = (await get(`${monitor.url}/api/history?check=availability&limit=1000`, auth)).json() as { source: string; entries: { at: string }[] };
    expect(after.source).toBe('database');
    expect(after.entries.some((e) => e.at <= oldest)).toBe(true);
    expect(after.entries.filter((e) => e.at < restartedAt).length).toBeGreaterThanOrEqual(before.entries.length);
  });
});
