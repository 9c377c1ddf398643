import pRetry, { AbortError } from 'p-retry';
import { ProoflineError } from '../errors.js';

/**
 * The one retry helper: exponential backoff with jitter, within a budget shared by every
 * operation of a run (a count of retries and a total time spent retrying), so that a
 * long outage ends the run in bounded time instead of each call waiting its own full
 * schedule. What is worth retrying is decided by the caller's classification (the error
 * table's `transient`), never here. Database operations (store/db-retry.ts), HTTP
 * sources (sources/http-fetch.ts) and alert webhooks (monitor/webhook.ts) all retry here.
 */

export interface RetryPolicy {
  /** Retries allowed in the whole run. */
  retries: number;
  /** Total time the run may spend retrying, ms. */
  maxTimeMs: number;
  /** First backoff delay, ms (doubled each retry, times a random factor in [1, 2)). */
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ retries: 12, maxTimeMs: 60_000, minDelayMs: 250, maxDelayMs: 8_000 });

/** What a run has left to spend on retries; share one per run. */
export class RetryBudget {
  retriesUsed = 0;
  timeUsedMs = 0;
  constructor(readonly policy: RetryPolicy = DEFAULT_RETRY_POLICY) {}

  get retriesLeft(): number {
    return Math.max(0, this.policy.retries - this.retriesUsed);
  }

  get timeLeftMs(): number {
    return Math.max(0, this.policy.maxTimeMs - this.timeUsedMs);
  }
}

export interface RetryInfo {
  what: string;
  attempt: number;
  error: ProoflineError;
  retriesLeft: number;
}

export interface RetryOptions {
  budget: RetryBudget;
  /** The error as classified; only transient ProoflineErrors are retried. Return undefined to rethrow the raw error. */
  classify: (e: unknown) => ProoflineError | undefined;
  onRetry?: (info: RetryInfo) => void;
  signal?: AbortSignal;
  /** The least wait the failure itself asks for (an HTTP Retry-After), ms; the backoff comes on top, capped at maxDelayMs. */
  minDelayOf?: (e: unknown) => number | undefined;
}

/** The classified error, saying the budget is spent (the code, and so the hint, stay the classified ones). */
function givenUp(error: ProoflineError, budget: RetryBudget): ProoflineError {
  const spent = `${budget.retriesUsed} retr${budget.retriesUsed === 1 ? 'y' : 'ies'} in ${Math.round(budget.timeUsedMs / 1000)} s`;
  return new ProoflineError(error.code, `${error.message} (gave up after ${spent}: the run's retry budget is spent)`, { cause: error.cause ?? error, hint: error.hint });
}

/** A wait the caller's signal can cut short (through the global timer, which tests can fake). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

export async function withRetry<T>(what: string, fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  const { budget } = o;
  let episodeStart: number | undefined;
  const closeEpisode = (): void => {
    if (episodeStart !== undefined) budget.timeUsedMs += Date.now() - episodeStart;
    episodeStart = undefined;
  };
  try {
    return await pRetry(
      async (attempt) => {
        try {
          return await fn();
        } catch (e) {
          const error = o.classify(e);
          if (!error) throw new AbortError(e instanceof Error ? e : new Error(String(e)));
          if (!error.transient) throw new AbortError(error);
          const now = Date.now();
          episodeStart ??= now;
          const spent = budget.timeUsedMs + (now - episodeStart);
          if (budget.retriesLeft <= 0 || spent >= budget.policy.maxTimeMs) {
            closeEpisode();
            throw new AbortError(givenUp(error, budget));
          }
          budget.retriesUsed += 1;
          o.onRetry?.({ what, attempt, error, retriesLeft: budget.retriesLeft });
          const asked = o.minDelayOf?.(e);
          if (asked !== undefined) await pause(Math.min(asked, budget.policy.maxDelayMs), o.signal);
          throw error;
        }
      },
      {
        // The budget, not p-retry's count, decides when to stop; this is only a ceiling.
        retries: budget.policy.retries + 1,
        factor: 2,
        minTimeout: budget.policy.minDelayMs,
        maxTimeout: budget.policy.maxDelayMs,
        randomize: true,
        ...(o.signal ? { signal: o.signal } : {}),
      },
    );
  } finally {
    closeEpisode();
  }
}
