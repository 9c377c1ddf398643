import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect as netConnect } from 'node:net';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createLogger, setLogger } from '../../../src/common/logger.js';
import { createMonitorServer, sessionValue, type MonitorBackend } from '../../../src/monitor/server.js';
import { LoginLimiter } from '../../../src/monitor/login-limiter.js';
import { isLoopback } from '../../../src/monitor/loopback.js';

/**
 * The monitor's HTTP surface against hostile clients, on a real socket. The backend is
 * a stub of the server's interface (no database is involved in parsing requests).
 */

const TOKEN = 'hardening-token-91c2';
const backend: MonitorBackend = {
  checkNames: ['availability'],
  status: async () => ({ ok: true }),
  history: async () => ({ entries: [] }),
  runs: async () => ({ runs: [] }),
  invalid: async () => ({ samples: [] }),
  serverLog: () => [],
  metrics: async () => ({ contentType: 'text/plain', body: 'up 1\n' }),
  subscribe: () => () => undefined,
};

let server: Server;
let base: string;
let port: number;
const logLines: string[] = [];

function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (d) => (answer += String(d)));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer')));
  });
}

beforeAll(async () => {
  const sink = new PassThrough();
  sink.on('data', (d) => logLines.push(String(d)));
  setLogger(createLogger({ level: 'debug', pretty: false, destination: sink }));
  server = createMonitorServer(backend, { host: '127.0.0.1', port: 0, token: TOKEN, maxEventClients: 2 });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const errorLines = () => logLines.filter((l) => JSON.parse(l).level >= 50);

describe('monitor HTTP hardening', () => {
  it('answers 400 to a malformed %-escape in the cookie, without an error-level log line', async () => {
    const res = await fetch(`${base}/api/status`, { headers: { cookie: 'proofline_token=%E0%A4%A' } });
    expect(res.status).toBe(400);
    expect(errorLines()).toEqual([]);
  });

  it('answers 400 to a request target or request line it cannot parse', async () => {
    expect(await raw('GET //x:99999999/ HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw('GET / HTTP/1.1\r\nbad header line\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(errorLines()).toEqual([]);
  });

  it('sets an opaque session cookie, never the token, Secure behind TLS', async () => {
    const res = await fetch(`${base}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual', headers: { 'x-forwarded-proto': 'https' } });
    expect(res.status).toBe(303);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).not.toContain(TOKEN);
    expect(setCookie).toContain(`proofline_token=${sessionValue(TOKEN)}`);
    expect(setCookie).toMatch(/; Secure/);
    const cookie = setCookie.split(';')[0]!;
    expect((await fetch(`${base}/api/status`, { headers: { cookie } })).status).toBe(200);
    // The raw token in a cookie no longer opens anything.
    expect((await fetch(`${base}/api/status`, { headers: { cookie: `proofline_token=${TOKEN}` } })).status).toBe(401);
    const plain = await fetch(`${base}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
    expect(plain.headers.get('set-cookie')).not.toMatch(/Secure/);
  });

  it('rate-limits failed sign-ins', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await fetch(`${base}/login`, { method: 'POST', body: new URLSearchParams({ token: `wrong-${i}` }), redirect: 'manual' })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    // Even the right token waits: a guesser cannot tell a hit from a miss.
    expect((await fetch(`${base}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' })).status).toBe(429);
  });

  it('caps live event streams', async () => {
    const headers = { authorization: `Bearer ${TOKEN}` };
    const a = new AbortController();
    const open = [await fetch(`${base}/api/events`, { headers, signal: a.signal }), await fetch(`${base}/api/events`, { headers, signal: a.signal })];
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const third = await fetch(`${base}/api/events`, { headers });
    expect(third.status).toBe(503);
    a.abort();
  });
});

describe('login limiter', () => {
  it('lets a client try again once the window has passed', () => {
    let now = 0;
    const l = new LoginLimiter(() => now);
    for (let i = 0; i < 5; i++) l.failed('a');
    expect(l.retryAfterMs('a')).toBe(60_000);
    expect(l.retryAfterMs('b')).toBe(0);
    now = 60_000;
    expect(l.retryAfterMs('a')).toBe(0);
  });
});

describe('loopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['::1', true],
    ['localhost', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.4', false],
  ])('%s → %s', (a, expected) => expect(isLoopback(a)).toBe(expected));
});

