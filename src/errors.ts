/**
 * The one error tree of proofline. Every error the library throws on purpose is a
 * ProoflineError with a stable `code` (listed in docs/errors.md) and a `transient` flag:
 * transient errors are worth retrying (network blips, 5xx, a primary stepping down),
 * terminal ones are not (bad config, bad credentials, invalid data).
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
  CONNECTOR_FAILED: 'CONNECTOR_FAILED',
  CONNECTOR_TIMEOUT: 'CONNECTOR_TIMEOUT',
  STACK_FAILED: 'STACK_FAILED',
  UNSUPPORTED: 'UNSUPPORTED',
  INTERNAL: 'INTERNAL',
} as const);
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ProoflineErrorOptions {
  transient?: boolean;
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
    this.transient = options.transient ?? false;
    this.hint = options.hint;
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
  return isProoflineError(e) && (e.code === ErrorCode.CONFIG_INVALID || e.code === ErrorCode.USAGE);
}

/** A message safe to print: never the raw error object, which may carry a URI. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
