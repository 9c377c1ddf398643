import {
  MongoBulkWriteError,
  MongoError,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoParseError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { ErrorCode } from '../errors.js';

/**
 * Which ProoflineError code a driver error is, decided by the driver's error classes,
 * server codes, error labels and the OS error codes of the causes; never by the message
 * text, with one exception documented below (FerretDB's backend errors carry no code).
 * The table in src/errors.ts then says whether that code is transient.
 */

/** Server codes MongoDB's retryable-reads/writes specifications treat as transient. */
const RETRYABLE_SERVER_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 134, 63, 150]);
const TRANSIENT_LABELS = ['RetryableWriteError', 'TransientTransactionError', 'ResetPool', 'SystemOverloadedError', 'RetryableError'];
const AUTH_CODES = new Set([18, 11, 13]);
const TLS_OS_CODES = /^(ERR_SSL_|ERR_TLS_|EPROTO$|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT$|SELF_SIGNED_CERT_IN_CHAIN$|UNABLE_TO_)/;
const UNREACHABLE_OS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);
const TIMEOUT_OS_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const RESET_OS_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
/**
 * FerretDB answers `InternalError` (code 1) both for a document PostgreSQL refuses and
 * for losing its PostgreSQL backend; only the text tells them apart. Matched only on
 * code 1: libpq/pgx connection failures and SQLSTATE classes 08 (connection exception)
 * and 57P0x (server shutting down).
 */
const FERRET_BACKEND_LOST = /failed to connect to|dial error|SQLSTATE (08|57P0)|conn closed|connection reset by peer|unexpected EOF|the database system is (starting up|shutting down)/i;

/** Every error in the cause chain, including the per-server errors of a server selection failure. */
function chain(e: unknown): unknown[] {
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  const todo = [e];
  while (todo.length) {
    const x = todo.shift();
    if (x === null || x === undefined || typeof x !== 'object' || seen.has(x)) continue;
    seen.add(x);
    out.push(x);
    const err = x as { cause?: unknown; reason?: { servers?: Map<string, { error?: unknown }> } };
    todo.push(err.cause);
    const servers = err.reason?.servers;
    if (servers instanceof Map) for (const s of servers.values()) todo.push(s.error);
  }
  return out;
}

const osCode = (x: unknown): string | undefined => {
  const c = (x as { code?: unknown }).code;
  return typeof c === 'string' ? c : undefined;
};
const serverCode = (x: unknown): number | undefined => {
  const c = (x as { code?: unknown }).code;
  return typeof c === 'number' ? c : undefined;
};
const labels = (x: unknown): string[] => (x instanceof MongoError ? [...x.errorLabels] : []);

/** A FerretDB reply that says its PostgreSQL backend is gone (see FERRET_BACKEND_LOST). */
export function isFerretBackendLost(e: unknown): boolean {
  return chain(e).some((x) => x instanceof MongoServerError && x.code === 1 && FERRET_BACKEND_LOST.test(x.message));
}

/** The ProoflineError code of a driver (or OS) error; undefined when it is nothing the table knows. */
export function codeOfDriverError(e: unknown): ErrorCode | undefined {
  const all = chain(e);
  if (all.some((x) => x instanceof MongoParseError)) return ErrorCode.CONFIG_INVALID;
  if (all.some((x) => AUTH_CODES.has(serverCode(x) ?? -1) && (x instanceof MongoServerError || (x as { codeName?: string }).codeName === 'AuthenticationFailed'))) return ErrorCode.AUTH_FAILED;
  const os = all.map(osCode).filter((c): c is string => c !== undefined);
  if (os.some((c) => TLS_OS_CODES.test(c))) return ErrorCode.TLS_FAILED;
  if (os.includes('ECONNREFUSED')) return ErrorCode.CONNECTION_REFUSED;
  if (os.some((c) => UNREACHABLE_OS_CODES.has(c))) return ErrorCode.HOST_UNREACHABLE;
  if (isFerretBackendLost(e)) return ErrorCode.CONNECTION_REFUSED;
  if (all.some((x) => x instanceof MongoNetworkTimeoutError) || os.some((c) => TIMEOUT_OS_CODES.has(c))) return ErrorCode.SERVER_TIMEOUT;
  if (all.some((x) => x instanceof MongoServerSelectionError)) return ErrorCode.SERVER_TIMEOUT;
  if (all.some((x) => x instanceof MongoNetworkError || x instanceof MongoTopologyClosedError) || os.some((c) => RESET_OS_CODES.has(c))) return ErrorCode.CONNECTION_REFUSED;
  if (all.some((x) => labels(x).some((l) => TRANSIENT_LABELS.includes(l)) || RETRYABLE_SERVER_CODES.has(serverCode(x) ?? -1))) return ErrorCode.SERVER_TIMEOUT;
  if (all.some((x) => x instanceof MongoError)) return ErrorCode.SERVER_ERROR;
  return undefined;
}

/**
 * A write the server refused because of the documents themselves (a bulk write error,
 * or a server error that is not a lost connection): splitting the batch finds the
 * culprits. Anything transient is not: the whole batch is retried as it is.
 */
export function isDocumentRefusal(e: unknown): boolean {
  if (!(e instanceof MongoBulkWriteError || e instanceof MongoServerError || (e instanceof Error && (e.name === 'BSONError' || e.name === 'MongoInvalidArgumentError' || e.name === 'RangeError')))) return false;
  const code = codeOfDriverError(e);
  return code === undefined || code === ErrorCode.SERVER_ERROR;
}
