import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Alerts } from '../../../src/monitor/alerts.js';
import { MonitorMetrics } from '../../../src/monitor/metrics.js';
import { postWebhook } from '../../../src/monitor/webhook.js';

/** Alerts fire once per state change and reach a real local HTTP receiver, retried with backoff. */

interface Receiver {
  url: string;
  attempts: number;
  delivered: unknown[];
  server: Server;
}

/** A receiver that answers 503 to the first `failures` requests, then 200. */
async function receiver(failures: number): Promise<Receiver> {
  const r: Receiver = { url: '', attempts: 0, delivered: [], server: createServer() };
  r.server.on('request', (req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      r.attempts += 1;
      if (r.attempts <= failures) {
        res.writeHead(503).end('try later');
        return;
      }
      r.delivered.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hook`;
  return r;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((ok) => s.close(ok))));
});

const result = (status: 'pass' | 'warn' | 'fail' | 'unsupported', summary: string = status) => ({ name: 'replication' as const, status, summary });

describe('alert webhook', () => {
  it('retries a receiver that fails twice, then delivers once (3 attempts)', async () => {
    const r = await receiver(2);
    servers.push(r.server);
    const d = await postWebhook(r.url, { hello: 1 }, { attempts: 5, backoffMs: 20, timeoutMs: 2000 });
    expect(d).toMatchObject({ delivered: true, attempts: 3, status: 204 });
    expect(r.attempts).toBe(3);
    expect(r.delivered).toEqual([{ hello: 1 }]);
  });

  it('gives up after the configured attempts and says so', async () => {
    const r = await receiver(100);
    servers.push(r.server);
    const d = await postWebhook(r.url, {}, { attempts: 3, backoffMs: 10, timeoutMs: 2000 });
    expect(d.delivered).toBe(false);
    expect(d.attempts).toBe(3);
    expect(d.error).toMatch(/503/);
  });

  it('does not retry a 4xx rejection', async () => {
    const server = createServer((_req, res) => res.writeHead(400).end());
    servers.push(server);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const d = await postWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {}, { attempts: 5, backoffMs: 10, timeoutMs: 2000 });
    expect(d).toMatchObject({ delivered: false, attempts: 1, status: 400 });
  });

  it('never puts webhook credentials in its error', async () => {
    const d = await postWebhook('http://user:hunter2@127.0.0.1:1/hook', {}, { attempts: 1, backoffMs: 1, timeoutMs: 500 });
    expect(d.delivered).toBe(false);
    expect(JSON.stringify(d)).not.toContain('hunter2');
  });
});

describe('alerts on state changes', () => {
  it('fires once per transition, announces recovery, and delivers one POST per transition', async () => {
    const r = await receiver(2);
    servers.push(r.server);
    const metrics = new MonitorMetrics();
    const alerts = new Alerts({ pipeline: 'p', onWarn: false, metrics, webhook: { url: r.url, attempts: 5, backoffMs: 20, timeoutMs: 2000 } });
    const events = [
      alerts.evaluate(result('pass')),
      alerts.evaluate(result('fail', 'lag 5 s')),
      alerts.evaluate(result('fail', 'lag 6 s')),
      alerts.evaluate(result('fail', 'lag 7 s')),
      alerts.evaluate(result('unsupported')),
      alerts.evaluate(result('pass', 'lag 3 ms')),
      alerts.evaluate(result('pass')),
    ].filter(Boolean);
    expect(events.map((e) => `${e!.state}:${e!.level}`)).toEqual(['firing:critical', 'resolved:ok']);
    await alerts.flush();
    expect(r.attempts).toBe(4); // 2 failures + 1 delivery for the firing alert, 1 for the recovery
    expect(r.delivered).toHaveLength(2);
    expect(r.delivered).toMatchObject([
      { check: 'replication', state: 'firing', level: 'critical', summary: 'lag 5 s' },
      { check: 'replication', state: 'resolved', level: 'ok', previous: 'critical' },
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/proofline_webhook_deliveries_total\{outcome="delivered"\} 2/);
    expect(text).not.toMatch(/proofline_alert_firing\{[^}]*\} 1/);
  });

  it('treats warn as ok unless on_warn is set', () => {
    const quiet = new Alerts({ pipeline: 'p', onWarn: false });
    expect(quiet.evaluate(result('warn'))).toBeUndefined();
    const loud = new Alerts({ pipeline: 'p', onWarn: true });
    expect(loud.evaluate(result('warn'))).toMatchObject({ state: 'firing', level: 'warning' });
    expect(loud.evaluate(result('fail'))).toMatchObject({ state: 'firing', level: 'critical', previous: 'warning' });
    expect(loud.evaluate(result('pass'))).toMatchObject({ state: 'resolved', previous: 'critical' });
  });
});
