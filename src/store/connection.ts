import { MongoClient, type MongoClientOptions } from 'mongodb';
import { logger } from '../common/logger.js';
import { serverMessage } from '../common/server-message.js';
import { ErrorCode, ProoflineError } from '../errors.js';
import { codeOfDriverError, isFerretBackendLost } from './driver-errors.js';
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
    // The connection failed: the classified error below is what matters, not a failed cleanup.
    await client.close(true).catch(() => undefined);
    throw classifyConnectionError(e, uri);
  }
}

/**
 * Close a client the caller is done with. Closing cannot change what was measured or
 * written, and its sockets go with the process: a failure is logged at debug level for
 * whoever chases a leak, never thrown over the caller's result.
 */
export async function closeQuietly(client: MongoClient | undefined): Promise<void> {
  await client?.close().catch((e: unknown) => logger().debug({ err: redactText(String(e)) }, 'closing a database client failed'));
}

export async function withClient<T>(uri: string, fn: (client: MongoClient) => Promise<T>, options: ConnectOptions = {}): Promise<T> {
  const client = await connect(uri, options);
  try {
    return await fn(client);
  } finally {
    await closeQuietly(client);
  }
}

/**
 * A driver error as a ProoflineError: the code from the driver's classes, server codes
 * and labels (store/driver-errors.ts), the message naming the hosts (never the
 * credentials) and the server's reason in one line.
 */
export function classifyConnectionError(e: unknown, uri: string): ProoflineError {
  if (e instanceof ProoflineError) return e;
  const where = uriHosts(uri);
  const detail = serverMessage(e instanceof Error ? e.message : String(e));
  const opts = { cause: e };
  switch (codeOfDriverError(e) ?? ErrorCode.SERVER_ERROR) {
    case ErrorCode.CONFIG_INVALID:
      return new ProoflineError(ErrorCode.CONFIG_INVALID, `invalid MongoDB URI ${redactUri(uri)}: ${detail}`, opts);
    case ErrorCode.AUTH_FAILED:
      return new ProoflineError(ErrorCode.AUTH_FAILED, `authentication failed on ${where}: check the user, password and authSource in the URI`, opts);
    case ErrorCode.CONNECTION_REFUSED:
      return new ProoflineError(
        ErrorCode.CONNECTION_REFUSED,
        isFerretBackendLost(e) ? `the database behind ${where} is unreachable (FerretDB lost its PostgreSQL backend)` : `connection refused by ${where}: nothing listens on that port`,
        opts,
      );
    case ErrorCode.TLS_FAILED:
      return new ProoflineError(ErrorCode.TLS_FAILED, `TLS handshake with ${where} failed: ${detail}`, opts);
    case ErrorCode.HOST_UNREACHABLE:
      return new ProoflineError(ErrorCode.HOST_UNREACHABLE, `host ${where} is unreachable: ${detail}`, opts);
    case ErrorCode.SERVER_TIMEOUT:
      return new ProoflineError(ErrorCode.SERVER_TIMEOUT, `no answer from ${where} within the timeout: ${detail}`, opts);
    default:
      return new ProoflineError(ErrorCode.SERVER_ERROR, `server error on ${where}: ${detail}`, opts);
  }
}
