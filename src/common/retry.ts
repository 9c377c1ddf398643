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
  /**
   * Failed attempts in a row across the run's operations (0 after any success). The backoff
   * grows with it, not with one operation's attempts: during an outage every operation
   * fails at once, and each restarting from the shortest delay would spend the whole
   * budget in a few seconds.
   */
  streak = 0;
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

/** Exponential in the run's failure streak, times a random factor in [1, 2) so clients do not retry in step. */
function backoffMs(budget: RetryBudget): number {
  const { minDelayMs, maxDelayMs } = budget.policy;
  return Math.min(maxDelayMs, minDelayMs * 2 ** Math.max(0, budget.streak - 1) * (1 + Math.random()));
}

export async function withRetry<T>(what: string, fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  const { budget } = o;
  let episodeStart: number | undefined;
  const closeEpisode = (): void => {
    if (episodeStart !== undefined) budget.timeUsedMs += Date.now() - episodeStart;
    episodeStart = undefined;
  };
  try {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const value = await fn();
        budget.streak = 0;
        return value;
      } catch (e) {
        const error = o.classify(e);
        if (!error) throw e;
        if (!error.transient) throw error;
        const now = Date.now();
        episodeStart ??= now;
        const spent = budget.timeUsedMs + (now - episodeStart);
        if (o.signal?.aborted) throw error;
        if (budget.retriesLeft <= 0 || spent >= budget.policy.maxTimeMs) {
          closeEpisode();
          throw givenUp(error, budget);
        }
        budget.retriesUsed += 1;
        budget.streak += 1;
        o.onRetry?.({ what, attempt, error, retriesLeft: budget.retriesLeft });
        const asked = o.minDelayOf?.(e);
        await pause(Math.max(backoffMs(budget), Math.min(asked ?? 0, budget.policy.maxDelayMs)), o.signal);
      }
    }
  } finally {
    closeEpisode();
  }
}
