import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProoflineError } from '../../../src/errors.js';
import { fetchJson, retryAfterMs } from '../../../src/sources/http-fetch.js';
import { ROOT } from '../../helpers.js';
import { serve, truncated, type Served } from './serve.js';

const PAYLOAD = readFileSync(join(ROOT, 'examples/weather/data/infoclimat/infoclimat_2024-10-25_2024-10-26.json'), 'utf8');
const fast = { retries: 3, retryBaseMs: 10, timeoutMs: 5000 };

let server: Served | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('fetchJson against a local HTTP server', () => {
  it('retries a 503 and succeeds on the next 200 (2 requests)', async () => {
    server = await serve((_req, res, n) => {
      if (n === 1) res.writeHead(503).end('busy');
      else res.writeHead(200, { 'content-type': 'application/json' }).end(PAYLOAD);
    });
    const r = await fetchJson(server.url, fast);
    expect(server.requests()).toBe(2);
    expect(r.attempts).toBe(2);
    expect(Object.keys((r.body as { hourly: object }).hourly)).toContain('07015');
  });

  it('honours Retry-After on 429 (waits at least the announced second)', async () => {
    const times: number[] = [];
    server = await serve((_req, res, n) => {
      times.push(Date.now());
      if (n === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else res.writeHead(200).end('{"stations":[]}');
    });
    const r = await fetchJson(server.url, fast);
    expect(r.attempts).toBe(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(1000);
  });

  it('retries a truncated body, then succeeds', async () => {
    server = await serve((_req, res, n) => {
      if (n === 1) truncated(res, PAYLOAD);
      else res.writeHead(200).end(PAYLOAD);
    });
    const r = await fetchJson(server.url, fast);
    expect(server.requests()).toBe(2);
    expect(r.bytes).toBe(Buffer.byteLength(PAYLOAD));
  });

  it('gives a clear error naming the URL and the attempts when the body is always cut short', async () => {
    server = await serve((_req, res) => truncated(res, PAYLOAD));
    const err = await fetchJson(`${server.url}?token=s3cret`, { ...fast, retries: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProoflineError);
    expect((err as ProoflineError).code).toBe('SOURCE_UNAVAILABLE');
    expect((err as Error).message).toMatch(/failed after 2 attempts: the body (was cut off|is not valid JSON)/);
    expect((err as Error).message).not.toContain('s3cret');
  });

  it('gives up on an always-500 server after retries+1 attempts with a clear, redacted error', async () => {
    let auth: string | undefined;
    server = await serve((req, res) => {
      auth = req.headers.authorization;
      res.writeHead(500).end('boom');
    });
    const err = (await fetchJson(server.url.replace('http://', 'http://user:pw@'), fast).catch((e: unknown) => e)) as ProoflineError;
    expect(server.requests()).toBe(4);
    expect(err.message).toContain('failed after 4 attempts: HTTP 500');
    expect(err.message).toContain('http://***@127.0.0.1');
    expect(err.message).not.toContain('pw');
    expect(err.transient).toBe(true);
    // Credentials in the URL travel as Basic auth (fetch refuses them in the URL).
    expect(auth).toBe(`Basic ${Buffer.from('user:pw').toString('base64')}`);
  });

  it('does not retry a 404', async () => {
    server = await serve((_req, res) => res.writeHead(404).end());
    const err = (await fetchJson(server.url, fast).catch((e: unknown) => e)) as ProoflineError;
    expect(server.requests()).toBe(1);
    expect(err.message).toMatch(/HTTP 404; not retried/);
    // Classified as refused: terminal, so no retry helper retries it, here or in the run.
    expect(err.code).toBe('SOURCE_REFUSED');
    expect(err.transient).toBe(false);
  });

  it('times out a server that never answers, then reports it', async () => {
    server = await serve(() => undefined);
    const err = (await fetchJson(server.url, { retries: 1, retryBaseMs: 10, timeoutMs: 200 }).catch((e: unknown) => e)) as ProoflineError;
    expect(server.requests()).toBe(2);
    expect(err.message).toMatch(/no answer within 200 ms/);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.UTC(2024, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2024, 0, 1))).toBe(10_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
