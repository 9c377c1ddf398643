import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timingSafeEqual, createHash, createHmac } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { logger } from '../common/logger.js';
import { redactText } from '../common/redact.js';
import { errorMessage } from '../errors.js';
import { LoginLimiter } from './login-limiter.js';
import { BadRequest, parseHistoryQuery, parseNoQuery, parseRunsQuery, type HistoryQuery } from './api.js';
import { ResponseCache, memoLast } from './response-cache.js';

/**
 * The monitor's HTTP surface on node:http: /healthz (never authenticated), /metrics,
 * the JSON API, the SSE event stream and the dashboard with its local assets. With a
 * token configured, everything else needs `Authorization: Bearer <token>` or the
 * HttpOnly cookie the login form sets (a browser cannot send a bearer header on a
 * page load or an EventSource). The cookie holds an HMAC of the token, never the token.
 *
 * Whatever a client sends (a bad %-escape in a cookie, a malformed URL or request line)
 * answers 400 and is logged at debug level: a stranger must not be able to fill the log.
 */

export interface MonitorBackend {
  checkNames: readonly string[];
  status(): Promise<unknown>;
  history(q: HistoryQuery): Promise<unknown>;
  runs(limit: number): Promise<unknown>;
  /** The latest schema check's invalid documents, per rule and field, with their quarantined raw records. */
  invalid(): Promise<unknown>;
  serverLog(): unknown;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Push events to a live client; returns the unsubscribe function. */
  subscribe(send: (event: string, data: unknown) => void): () => void;
}

export interface ServerOptions {
  host: string;
  port: number;
  token?: string;
  /** Live event streams at once; one more answers 503. */
  maxEventClients?: number;
}

export const DEFAULT_MAX_EVENT_CLIENTS = 32;

const here = dirname(fileURLToPath(import.meta.url));
// `npm run build` copies the assets next to the built code (scripts/copy-assets.mjs).
const ASSET_DIR = join(here, 'assets');
const CHART_JS = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.js');

const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: join(ASSET_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/assets/dashboard.js': { file: join(ASSET_DIR, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/assets/dashboard.css': { file: join(ASSET_DIR, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  '/assets/chart.umd.js': { file: CHART_JS, type: 'text/javascript; charset=utf-8' },
};

/** Each asset is read once: Chart.js alone is 200 kB, and fifty dashboards reloading would read it fifty times. */
const assetBytes = new Map<string, Buffer>();
const assetBody = (file: string): Buffer => {
  let b = assetBytes.get(file);
  if (!b) assetBytes.set(file, (b = readFileSync(file)));
  return b;
};

const COOKIE = 'proofline_token';
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
};

const LOGIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>proofline monitor: sign in</title>
<link rel="stylesheet" href="/assets/dashboard.css"></head><body><main class="login"><h1>proofline monitor</h1>
<form method="post" action="/login"><label for="token">Access token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Sign in</button></form></main></body></html>`;

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

function send(res: ServerResponse, status: number, body: string | Buffer, type = 'application/json; charset=utf-8', extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...SECURITY_HEADERS, ...extra });
  res.end(body);
}

// Last line of defence: every string of every API answer passes the URI redactor (run
// records written by other processes may quote a source URL with its credentials).
const redacted = (data: unknown): string => JSON.stringify(data, (_k, v: unknown) => (typeof v === 'string' ? redactText(v) : v));
const json = (res: ServerResponse, status: number, data: unknown, extra: Record<string, string> = {}): void => send(res, status, redacted(data), 'application/json; charset=utf-8', extra);
const jsonText = (res: ServerResponse, text: string): void => send(res, 200, text, 'application/json; charset=utf-8');

/** The session value of a token: opaque, so a stolen cookie or a log of headers never shows the token. */
export function sessionValue(token: string): string {
  return createHmac('sha256', token).update('proofline monitor session v1').digest('base64url');
}

function cookieValue(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k !== COOKIE) continue;
    try {
      return decodeURIComponent(v.join('='));
    } catch {
      throw new BadRequest('malformed cookie');
    }
  }
  return undefined;
}

/** Served over TLS, directly or behind a proxy that says so: the cookie must then be `Secure`. */
function overTls(req: IncomingMessage): boolean {
  return Boolean((req.socket as TLSSocket).encrypted) || req.headers['x-forwarded-proto'] === 'https';
}

function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'http://monitor.local');
  } catch {
    throw new BadRequest('malformed request target');
  }
}

async function readBody(req: IncomingMessage, max = 4096): Promise<string> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > max) throw new BadRequest('request body too large');
  }
  return body;
}

export function createMonitorServer(backend: MonitorBackend, options: ServerOptions): Server {
  const expected = options.token ? digest(options.token) : undefined;
  const session = options.token ? digest(sessionValue(options.token)) : undefined;
  const limiter = new LoginLimiter();
  const maxEventClients = options.maxEventClients ?? DEFAULT_MAX_EVENT_CLIENTS;
  let eventClients = 0;
  // What many dashboards poll at once is built once per URL per second (response-cache.ts).
  const answers = new ResponseCache();
  const cached = (url: URL, build: () => Promise<unknown>): Promise<string> => answers.answer(`${url.pathname}${url.search}`, async () => redacted(await build()));
  const frame = memoLast((event, data) => `event: ${event}\ndata: ${redacted(data)}\n\n`);
  const authorized = (req: IncomingMessage): boolean => {
    if (!expected || !session) return true;
    const header = req.headers.authorization ?? '';
    // Compare digests: constant time, and equal lengths whatever the input.
    if (header.startsWith('Bearer ')) return timingSafeEqual(digest(header.slice(7)), expected);
    const cookie = cookieValue(req);
    return cookie !== undefined && timingSafeEqual(digest(cookie), session);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = requestUrl(req);
    const path = url.pathname;
    if (path === '/healthz') return json(res, 200, { ok: true });
    if (path === '/login' && req.method === 'POST' && expected && options.token) {
      const client = req.socket.remoteAddress ?? 'unknown';
      const wait = limiter.retryAfterMs(client);
      if (wait > 0) return json(res, 429, { error: 'too many sign-in attempts, try again later' }, { 'retry-after': String(Math.ceil(wait / 1000)) });
      const token = new URLSearchParams(await readBody(req)).get('token') ?? '';
      if (!timingSafeEqual(digest(token), expected)) {
        limiter.failed(client);
        return send(res, 401, LOGIN_PAGE, 'text/html; charset=utf-8');
      }
      limiter.succeeded(client);
      const flags = `HttpOnly; SameSite=Strict; Path=/${overTls(req) ? '; Secure' : ''}`;
      return send(res, 303, '', 'text/plain', { location: '/', 'set-cookie': `${COOKIE}=${sessionValue(options.token)}; ${flags}` });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'method not allowed' });
    if (!authorized(req)) {
      const wantsHtml = (req.headers.accept ?? '').includes('text/html');
      if (wantsHtml && path === '/') return send(res, 401, LOGIN_PAGE, 'text/html; charset=utf-8', { 'www-authenticate': 'Bearer' });
      // The login page needs its stylesheet.
      if (path !== '/assets/dashboard.css') return json(res, 401, { error: 'a bearer token is required' });
    }
    const asset = ASSETS[path];
    if (asset) return send(res, 200, assetBody(asset.file), asset.type);
    switch (path) {
      case '/metrics': {
        parseNoQuery(url.searchParams);
        const m = await backend.metrics();
        return send(res, 200, m.body, m.contentType);
      }
      case '/api/status':
        parseNoQuery(url.searchParams);
        return jsonText(res, await cached(url, () => backend.status()));
      case '/api/history': {
        const q = parseHistoryQuery(url.searchParams, backend.checkNames);
        return jsonText(res, await cached(url, () => backend.history(q)));
      }
      case '/api/runs': {
        const { limit } = parseRunsQuery(url.searchParams);
        return jsonText(res, await cached(url, () => backend.runs(limit)));
      }
      case '/api/invalid':
        parseNoQuery(url.searchParams);
        return json(res, 200, await backend.invalid());
      case '/api/server-log':
        parseNoQuery(url.searchParams);
        return json(res, 200, backend.serverLog());
      case '/api/events': {
        parseNoQuery(url.searchParams);
        if (eventClients >= maxEventClients) return json(res, 503, { error: 'too many live event streams' }, { 'retry-after': '30' });
        eventClients++;
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', ...SECURITY_HEADERS });
        res.write('retry: 2000\n\n');
        const unsubscribe = backend.subscribe((event, data) => res.write(frame(event, data)));
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        req.on('close', () => {
          eventClients--;
          clearInterval(keepAlive);
          unsubscribe();
        });
        return;
      }
      default:
        return json(res, 404, { error: 'not found' });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof BadRequest) {
        logger().debug({ reason: e.message }, 'monitor: bad request');
        if (!res.headersSent) return json(res, 400, { error: e.message });
        return void res.end();
      }
      logger().error({ err: redactText(errorMessage(e)), path: redactText(req.url?.split('?')[0] ?? '') }, 'monitor: request failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error (see the monitor log)' });
      else res.end();
    });
  });
  // A request line or header node:http cannot parse: 400, at debug level, then close.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    logger().debug({ code: err.code }, 'monitor: malformed request');
    if (socket.writable && !('_httpMessage' in socket && socket._httpMessage)) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
