import type { Logger } from '../common/logger.js';
import { withRetry, type RetryBudget } from '../common/retry.js';
import { ProoflineError } from '../errors.js';
import { classifyConnectionError } from './connection.js';
import { isDocumentRefusal } from './driver-errors.js';

/**
 * Database operations through the retry helper: a driver error is classified
 * (store/driver-errors.ts → the error table) and retried only when transient. A refusal
 * of the documents themselves is not retried: the writer splits the batch instead.
 * Callers pass only idempotent operations (reads; writes keyed by a deterministic `_id`).
 */

export type DbRetry = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

export function dbRetry(o: { uri: string; budget: RetryBudget; logger: Logger; signal?: AbortSignal }): DbRetry {
  return (what, fn) =>
    withRetry(what, fn, {
      budget: o.budget,
      classify: (e) => (e instanceof ProoflineError ? e : isDocumentRefusal(e) ? undefined : classifyConnectionError(e, o.uri)),
      onRetry: (r) => o.logger.warn({ operation: r.what, attempt: r.attempt, code: r.error.code, retries_left: r.retriesLeft }, `database ${r.what} failed (${r.error.code}): retrying`),
      ...(o.signal ? { signal: o.signal } : {}),
    });
}

/** No retries: for callers outside a run (tests, one-off tools). */
export const noRetry: DbRetry = (_what, fn) => fn();
