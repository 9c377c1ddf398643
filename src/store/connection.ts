import { MongoClient, type MongoClientOptions } from 'mongodb';
import { ErrorCode, ProoflineError } from '../errors.js';
import { redactText, redactUri, rememberSecrets, uriHosts } from '../common/redact.js';

/**
 * The one owner of MongoClient lifecycles. Checks, writers and commands never call
 * `new MongoClient` themselves: they go through `connect`/`withClient`, which set
 * bounded timeouts (an unreachable replica must fail fast, not hang) and turn driver
 * errors into ProoflineErrors with a distinct code per failure kind.
 */

export interface ConnectOptions {
  /** Server selection and connect timeout, ms. */
  timeoutMs?: number;
  appName?: string;
  /** Extra driver options (TLS files, read preference...). */
  driver?: MongoClientOptions;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export function clientOptions(options: ConnectOptions = {}): MongoClientOptions {
  const timeout = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return {
    appName: options.appName ?? 'proofline',
    serverSelectionTimeoutMS: timeout,
    connectTimeoutMS: timeout,
    socketTimeoutMS: Math.max(timeout * 6, 30_000),
    ...options.driver,
  };
}

/** Connect and wait for the server to answer; errors are classified and redacted. */
export async function connect(uri: string, options: ConnectOptions = {}): Promise<MongoClient> {
  let client: MongoClient;
  rememberSecrets(uri);
  try {
    client = new MongoClient(uri, clientOptions(options));
  } catch (e) {
    throw new ProoflineError(ErrorCode.CONFIG_INVALID, `invalid MongoDB URI ${redactUri(uri)}: ${redactText(String((e as Error).message))}`, { cause: e });
  }
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return client;
  } catch (e) {
    await client.close(true).catch(() => undefined);
    throw classifyConnectionError(e, uri);
  }
}

export async function withClient<T>(uri: string, fn: (client: MongoClient) => Promise<T>, options: ConnectOptions = {}): Promise<T> {
  const client = await connect(uri, options);
  try {
    return await fn(client);
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Every message text the driver attached to an error, including nested causes and per-server errors. */
function collectErrorText(e: unknown, seen = new Set<unknown>()): string {
  if (e === null || e === undefined || seen.has(e)) return '';
  seen.add(e);
  if (typeof e !== 'object') return String(e);
  const err = e as { message?: string; code?: unknown; codeName?: string; cause?: unknown; reason?: { servers?: Map<string, { error?: unknown }> } };
  const parts = [err.message ?? '', String(err.code ?? ''), err.codeName ?? ''];
  if (err.cause) parts.push(collectErrorText(err.cause, seen));
  const servers = err.reason?.servers;
  if (servers instanceof Map) for (const s of servers.values()) parts.push(collectErrorText(s.error, seen));
  return parts.join(' ');
}

export function classifyConnectionError(e: unknown, uri: string): ProoflineError {
  if (e instanceof ProoflineError) return e;
  const where = uriHosts(uri);
  const text = collectErrorText(e);
  const detail = redactText((e as Error)?.message ?? String(e));
  const opts = { cause: e };
  if (/Authentication failed|AuthenticationFailed|\b18\b.*auth|SASL|SCRAM/i.test(text)) {
    return new ProoflineError(ErrorCode.AUTH_FAILED, `authentication failed on ${where}: check the user, password and authSource in the URI`, {
      ...opts,
      hint: 'The server rejected the credentials. Verify them with mongosh using the same URI.',
    });
  }
  if (/ECONNREFUSED|connection refused/i.test(text)) {
    return new ProoflineError(ErrorCode.CONNECTION_REFUSED, `connection refused by ${where}: nothing listens on that port`, {
      ...opts,
      transient: true,
      hint: 'Is the server (or `proofline stack up`) running, and is the port right?',
    });
  }
  if (/certificate|SSL|TLS|EPROTO|self[- ]signed|wrong version number|ERR_SSL/i.test(text)) {
    return new ProoflineError(ErrorCode.TLS_FAILED, `TLS handshake with ${where} failed: ${detail}`, {
      ...opts,
      hint: 'Check tls=true/false, tlsCAFile (DocumentDB needs the global-bundle.pem CA) and the host name in the certificate.',
    });
  }
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo|EHOSTUNREACH|ENETUNREACH/i.test(text)) {
    return new ProoflineError(ErrorCode.HOST_UNREACHABLE, `host ${where} is unreachable: ${detail}`, {
      ...opts,
      transient: true,
      hint: 'Check the host name, DNS and network path (security groups, VPN).',
    });
  }
  if (/Server selection timed out|timed out|ETIMEDOUT|MongoServerSelectionError/i.test(text)) {
    return new ProoflineError(ErrorCode.SERVER_TIMEOUT, `no answer from ${where} within the timeout: ${detail}`, {
      ...opts,
      transient: true,
      hint: 'The host may be down, firewalled, or the replica set name may be wrong.',
    });
  }
  return new ProoflineError(ErrorCode.SERVER_ERROR, `server error on ${where}: ${detail}`, { ...opts, transient: true });
}
