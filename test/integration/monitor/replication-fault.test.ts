import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setReplicationPaused } from '../../../src/stack/stack.js';
import { startMonitor, type MonitorHandle } from '../../../src/monitor/service.js';
import type { AlertEvent } from '../../../src/monitor/alerts.js';
import { pollUntil } from '../../helpers.js';
import { captureLogs, get, monitorConfig, prepareReplication } from './monitor-helpers.js';

/**
 * A real replication fault: WAL replay paused on the private stack's standby. The monitor
 * must turn replication red and raise exactly one alert within one check interval plus
 * the check timeout, and announce the recovery once replay resumes.
 */

const INTERVAL_MS = 2_000;
const TIMEOUT_MS = 8_000;

describe('monitor under a replication fault', () => {
  let monitor: MonitorHandle;
  let hook: Server;
  const received: AlertEvent[] = [];
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as AlertEvent);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', ok));
    const config = monitorConfig({
      checks: {
        availability: { enabled: false },
        schema: { enabled: false },
        quality: { enabled: false },
        // A generous lag threshold: on a busy machine a slow-but-flowing replica must not
        // turn red on its own; only writes that never arrive (the pause) may.
        replication: { interval: `${INTERVAL_MS}ms`, samples: 2, timeout_ms: 2500, max_lag_p95_ms: 2400 },
      },
      monitor: { check_timeout: `${TIMEOUT_MS}ms`, alerts: { webhook: { url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`, backoff_ms: 50 } } },
    });
    await prepareReplication(config);
    logs = captureLogs();
    monitor = await startMonitor(config);
    const green = await pollUntil(async () => (await replicationStatus()) === 'pass', 20_000, 100);
    expect(green.value).toBe(true);
  });

  afterAll(async () => {
    await setReplicationPaused(false).catch(() => undefined);
    await monitor?.close();
    logs?.restore();
    await new Promise((ok) => hook?.close(ok));
  });

  async function replicationStatus(): Promise<string | undefined> {
    const s = (await get(`${monitor.url}/api/status`)).json() as { checks: { name: string; latest: { status: string } | null }[] };
    return s.checks.find((c) => c.name === 'replication')?.latest?.status;
  }

  it('turns red and alerts once when replication pauses, then recovers', async () => {
    await setReplicationPaused(true);
    const red = await pollUntil(async () => (await replicationStatus()) === 'fail', INTERVAL_MS + TIMEOUT_MS + 1_000, 100);
    expect(red.value, `replication still not red after ${Math.round(red.elapsedMs)} ms`).toBe(true);
    const m = (await get(`${monitor.url}/metrics`)).body;
    expect(m).toMatch(/proofline_check_up\{check="replication"\} 0/);
    expect(m).toMatch(/proofline_alert_firing\{check="replication",severity="critical"\} 1/);
    expect(m).toMatch(/proofline_replication_unconfirmed_writes\{replica="[^"]+"\} [1-9]/);

    // Stay red for a few more runs: still exactly one alert, not one per tick.
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS + 1_000));
    expect(await replicationStatus()).toBe('fail');
    await monitor.alerts.flush();
    expect(received.map((e) => e.state)).toEqual(['firing']);
    expect(received[0]).toMatchObject({ check: 'replication', level: 'critical' });
    const alertLines = logs.lines.filter((l) => l.includes('"event":"alert"'));
    expect(alertLines).toHaveLength(1);

    await setReplicationPaused(false);
    const green = await pollUntil(async () => (await replicationStatus()) === 'pass', INTERVAL_MS + TIMEOUT_MS + 1_000, 100);
    expect(green.value, 'replication did not recover').toBe(true);
    await monitor.alerts.flush();
    expect(received.map((e) => e.state)).toEqual(['firing', 'resolved']);
    expect(logs.lines.filter((l) => l.includes('"event":"alert"'))).toHaveLength(2);
    const status = (await get(`${monitor.url}/api/status`)).json() as { alerts: { levels: Record<string, string> } };
    expect(status.alerts.levels.replication).toBe('ok');
  });
});
