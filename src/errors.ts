/**
 * The one error tree of proofline. Every error the library throws on purpose is a
 * ProoflineError with a stable `code` (listed in docs/errors.md). Whether it is
 * transient (worth retrying: network blips, 5xx, a primary stepping down), its exit code
 * and its default hint are declared once, in ERROR_TABLE: throw sites choose the code only.
 */

export const ErrorCode = Object.freeze({
  CONFIG_INVALID: 'CONFIG_INVALID',
  USAGE: 'USAGE',
  CONNECTION_REFUSED: 'CONNECTION_REFUSED',
  HOST_UNREACHABLE: 'HOST_UNREACHABLE',
  AUTH_FAILED: 'AUTH_FAILED',
  TLS_FAILED: 'TLS_FAILED',
  SERVER_TIMEOUT: 'SERVER_TIMEOUT',
  SERVER_ERROR: 'SERVER_ERROR',
  SOURCE_UNAVAILABLE: 'SOURCE_UNAVAILABLE',
  SOURCE_INVALID: 'SOURCE_INVALID',
  SOURCE_REFUSED: 'SOURCE_REFUSED',
  CONNECTOR_FAILED: 'CONNECTOR_FAILED',
  CONNECTOR_TIMEOUT: 'CONNECTOR_TIMEOUT',
  STACK_FAILED: 'STACK_FAILED',
  UNSUPPORTED: 'UNSUPPORTED',
  WRITE_UNVERIFIED: 'WRITE_UNVERIFIED',
  LEASE_LOST: 'LEASE_LOST',
  WEBHOOK_UNAVAILABLE: 'WEBHOOK_UNAVAILABLE',
  WEBHOOK_REFUSED: 'WEBHOOK_REFUSED',
  INTERNAL: 'INTERNAL',
} as const);
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorKind {
  /** Worth retrying: the same call may succeed once the network or server recovers. */
  transient: boolean;
  /** What the CLI exits with when this error ends a command. */
  exitCode: 1 | 2;
  /** What the user can do next, when the throw site has nothing more specific. */
  hint: string;
}

/** code → behaviour, declared once; docs/errors.md lists the same table (a unit test compares them). */
export const ERROR_TABLE: Readonly<Record<ErrorCode, ErrorKind>> = Object.freeze({
  CONFIG_INVALID: { transient: false, exitCode: 2, hint: 'Fix the named key; MONGODB_URI / MONGODB_REPLICA_URIS override the file.' },
  USAGE: { transient: false, exitCode: 2, hint: 'Run `proofline <command> --help`.' },
  CONNECTION_REFUSED: { transient: true, exitCode: 1, hint: 'Is the server (or `proofline stack up`) running, and is the port right?' },
  HOST_UNREACHABLE: { transient: true, exitCode: 1, hint: 'Check the host name, DNS and network path (security groups, VPN).' },
  AUTH_FAILED: { transient: false, exitCode: 1, hint: 'The server rejected the credentials. Verify them with mongosh using the same URI.' },
  TLS_FAILED: { transient: false, exitCode: 1, hint: 'Check tls=true/false, tlsCAFile (DocumentDB needs the global-bundle.pem CA) and the host name in the certificate.' },
  SERVER_TIMEOUT: { transient: true, exitCode: 1, hint: 'The host may be down, firewalled, or the replica set name may be wrong.' },
  SERVER_ERROR: { transient: false, exitCode: 1, hint: "Read the message: it is the server's own. Often permissions: grant clusterMonitor for the replication check." },
  SOURCE_UNAVAILABLE: { transient: true, exitCode: 1, hint: 'Retry later; check the URL or path in the stream config and the network. State was not advanced: the next run resumes.' },
  SOURCE_INVALID: { transient: false, exitCode: 1, hint: "Check that the stream's source options match the payload; look at the run's rejection reasons." },
  SOURCE_REFUSED: { transient: false, exitCode: 1, hint: 'The source refused the request (HTTP 4xx): check the URL, the credentials and the permissions in the stream config; asking again will not help.' },
  CONNECTOR_FAILED: { transient: false, exitCode: 1, hint: "Run the connector's check by hand; see its stderr in the logs." },
  CONNECTOR_TIMEOUT: { transient: true, exitCode: 1, hint: 'Raise the connector timeout or narrow the streams.' },
  STACK_FAILED: { transient: false, exitCode: 1, hint: 'Read .stack/logs/*.log and `proofline stack status`; move ports with PROOFLINE_*_PORT.' },
  UNSUPPORTED: { transient: false, exitCode: 1, hint: "Use a server that supports it, or disable that part of the check; see the report's capability table." },
  WRITE_UNVERIFIED: { transient: false, exitCode: 1, hint: 'The server acknowledged a different number of writes than were sent: nothing was counted as stored that is not. Rerun; report it if it repeats.' },
  LEASE_LOST: { transient: false, exitCode: 1, hint: "Another run took this stream over after this run's lease expired (the process was paused, or the database did not answer for longer than lease.ttl). What this run wrote is kept and its state was not saved after the loss; the other run carries on. Raise lease.ttl if this repeats." },
  WEBHOOK_UNAVAILABLE: { transient: true, exitCode: 1, hint: 'The alert receiver did not answer or failed (network, timeout, 5xx, 429); check that it is up. The alert stays firing on /metrics.' },
  WEBHOOK_REFUSED: { transient: false, exitCode: 1, hint: 'The alert receiver rejected the payload (HTTP 4xx): check monitor.alerts.webhook.url and what the receiver expects.' },
  INTERNAL: { transient: false, exitCode: 1, hint: 'A bug: report it with the command, the redacted log (PROOFLINE_LOG_LEVEL=debug) and the report JSON.' },
});

export interface ProoflineErrorOptions {
  cause?: unknown;
  /** What the user can do next, printed under the message. */
  hint?: string;
}

export class ProoflineError extends Error {
  readonly code: ErrorCode;
  readonly transient: boolean;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: ProoflineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProoflineError';
    this.code = code;
    this.transient = ERROR_TABLE[code].transient;
    this.hint = options.hint ?? ERROR_TABLE[code].hint;
  }
}

/** Bad configuration or bad usage: the CLI exits with code 2. */
export class ConfigError extends ProoflineError {
  constructor(message: string, options: ProoflineErrorOptions = {}) {
    super(ErrorCode.CONFIG_INVALID, message, options);
    this.name = 'ConfigError';
  }
}

export class UsageError extends ProoflineError {
  constructor(message: string, options: ProoflineErrorOptions = {}) {
    super(ErrorCode.USAGE, message, options);
    this.name = 'UsageError';
  }
}

export function isProoflineError(e: unknown): e is ProoflineError {
  return e instanceof ProoflineError;
}

export function isTransientError(e: unknown): boolean {
  return isProoflineError(e) && e.transient;
}

export function isUsageOrConfigError(e: unknown): boolean {
  return isProoflineError(e) && ERROR_TABLE[e.code].exitCode === 2;
}

/** The exit code an error ends a command with (1 for anything outside the tree). */
export function exitCodeOf(e: unknown): number {
  return isProoflineError(e) ? ERROR_TABLE[e.code].exitCode : 1;
}

/** A message safe to print: never the raw error object, which may carry a URI. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

