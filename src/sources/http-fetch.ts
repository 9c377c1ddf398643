import type { Logger } from '../common/logger.js';
import { redactUri } from '../common/redact.js';
import { RetryBudget, withRetry } from '../common/retry.js';
import { ErrorCode, ProoflineError, errorMessage } from '../errors.js';

/**
 * GET a JSON document with a timeout per attempt. Each failure is classified: network
 * errors, timeouts, truncated or non-JSON bodies, 5xx, 408 and 429 are SOURCE_UNAVAILABLE
 * (transient: retried with exponential backoff by the one retry helper, honouring
 * Retry-After in seconds or as an HTTP date); other 4xx are SOURCE_REFUSED (terminal:
 * asking again will not fix a 404 or a 401). After the last try the error names the
 * (redacted) URL and the number of attempts.
 */

export interface FetchJsonOptions {
  timeoutMs?: number;
  /** Retries after the first attempt. */
  retries?: number;
  /** First backoff delay; doubles each retry. */
  retryBaseMs?: number;
  /** Upper bound for any single wait, Retry-After included. */
  maxDelayMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
  headers?: Record<string, string>;
}

export interface FetchJsonResult {
  body: unknown;
  attempts: number;
  bytes: number;
}

/** One failed attempt worth another: the reason, and the wait the server asked for. */
class AttemptError extends ProoflineError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(ErrorCode.SOURCE_UNAVAILABLE, message);
    this.name = 'AttemptError';
  }
}

/** Retry-After is either delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export async function fetchJson(url: string, options: FetchJsonOptions = {}): Promise<FetchJsonResult> {
  const safeUrl = redactUri(url);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 4;
  const maxDelayMs = options.maxDelayMs ?? 120_000;
  let attempts = 0;
  const { target, authorization } = splitCredentials(url);
  const headers: Record<string, string> = { accept: 'application/json', ...(authorization ? { authorization } : {}), ...options.headers };

  const attempt = async (): Promise<FetchJsonResult> => {
    attempts += 1;
    const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
    let res: Response;
    let text: string;
    try {
      res = await fetch(target, { signal: AbortSignal.any(signals), headers });
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason ?? e;
      throw new AttemptError(describeFetchError(e, timeoutMs));
    }
    if (res.status === 429 || res.status >= 500 || res.status === 408) {
      // Discard the error body to free the connection; the status is the answer that counts.
      await res.body?.cancel().catch(() => undefined);
      throw new AttemptError(`HTTP ${res.status}`, retryAfterMs(res.headers.get('retry-after')));
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new ProoflineError(ErrorCode.SOURCE_REFUSED, `GET ${safeUrl} answered HTTP ${res.status}; not retried (a client error will not fix itself)`);
    }
    try {
      text = await res.text();
    } catch (e) {
      throw new AttemptError(`the body was cut off (${describeFetchError(e, timeoutMs)})`);
    }
    try {
      return { body: JSON.parse(text), attempts, bytes: Buffer.byteLength(text) };
    } catch {
      throw new AttemptError(`the body is not valid JSON (${Buffer.byteLength(text)} bytes; truncated?)`);
    }
  };

  const budget = new RetryBudget({ retries, maxTimeMs: Number.POSITIVE_INFINITY, minDelayMs: options.retryBaseMs ?? 500, maxDelayMs });
  try {
    return await withRetry('GET', attempt, {
      budget,
      // Attempt failures are classified where they happen; anything else (an abort) is not retried.
      classify: (e) => (e instanceof ProoflineError ? e : undefined),
      minDelayOf: (e) => (e instanceof AttemptError ? e.retryAfterMs : undefined),
      onRetry: (r) => options.logger?.warn({ url: safeUrl, attempt: r.attempt, retriesLeft: r.retriesLeft, error: r.error.message }, 'HTTP source attempt failed'),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    if (!(e instanceof AttemptError) && !(e instanceof ProoflineError && e.cause instanceof AttemptError)) throw e;
    const last = e instanceof AttemptError ? e : (e.cause as AttemptError);
    throw new ProoflineError(ErrorCode.SOURCE_UNAVAILABLE, `GET ${safeUrl} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${last.message}`, {
      cause: last,
      hint: 'the server may be down or rate-limiting; retry later or raise retries/timeout_ms in the source config',
    });
  }
}

function describeFetchError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = e instanceof Error ? (e.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message;
  return `${errorMessage(e)}${detail ? ` (${detail})` : ''}`;
}

/** fetch refuses URLs with user:password; send them as HTTP Basic auth instead. */
function splitCredentials(url: string): { target: string; authorization?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { target: url };
  }
  if (!u.username && !u.password) return { target: url };
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`;
  u.username = '';
  u.password = '';
  return { target: u.toString(), authorization };
}
