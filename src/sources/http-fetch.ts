import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../common/logger.js';
import { redactUri } from '../common/redact.js';
import { ErrorCode, ProoflineError, errorMessage } from '../errors.js';

/**
 * GET a JSON document with a timeout per attempt and retries with exponential backoff on
 * network errors, timeouts, truncated or non-JSON bodies, 5xx and 429 (honouring
 * Retry-After, in seconds or as an HTTP date). Other 4xx are not retried: asking again
 * will not fix a 404 or a 401. After the last try the error names the (redacted) URL and
 * the number of attempts.
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

class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
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

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true });
  });

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
      if (options.signal?.aborted) throw new AbortError('aborted');
      throw new AttemptError(describeFetchError(e, timeoutMs));
    }
    if (res.status === 429 || res.status >= 500 || res.status === 408) {
      // Discard the error body to free the connection; the status is the answer that counts.
      await res.body?.cancel().catch(() => undefined);
      throw new AttemptError(`HTTP ${res.status}`, retryAfterMs(res.headers.get('retry-after')));
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new AbortError(new ProoflineError(ErrorCode.SOURCE_UNAVAILABLE, `GET ${safeUrl} answered HTTP ${res.status}; not retried (a client error will not fix itself)`));
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

  try {
    return await pRetry(attempt, {
      retries,
      minTimeout: options.retryBaseMs ?? 500,
      factor: 2,
      maxTimeout: maxDelayMs,
      randomize: false,
      signal: options.signal,
      onFailedAttempt: async (err) => {
        const wait = (err as unknown as AttemptError).retryAfterMs;
        options.logger?.warn({ url: safeUrl, attempt: err.attemptNumber, retriesLeft: err.retriesLeft, error: err.message, retryAfterMs: wait }, 'HTTP source attempt failed');
        // p-retry adds its own backoff after this; Retry-After is the server's minimum.
        if (wait !== undefined && err.retriesLeft > 0) await sleep(Math.min(wait, maxDelayMs), options.signal);
      },
    });
  } catch (e) {
    if (e instanceof ProoflineError) throw e;
    const reason = errorMessage(e);
    throw new ProoflineError(ErrorCode.SOURCE_UNAVAILABLE, `GET ${safeUrl} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${reason}`, {
      cause: e,
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
