import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RetryBudget, withRetry } from '../../../src/common/retry.js';
import { ErrorCode, ProoflineError } from '../../../src/errors.js';

/** The retry helper: transient errors retried with backoff within a per-run budget; terminal ones never. */

const classify = (e: unknown): ProoflineError | undefined => (e instanceof ProoflineError ? e : undefined);
const refused = (): ProoflineError => new ProoflineError(ErrorCode.CONNECTION_REFUSED, 'connection refused by db:27017');

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('withRetry', () => {
  it('rides through transient failures and counts the retries against the run budget', async () => {
    const budget = new RetryBudget({ retries: 5, maxTimeMs: 60_000, minDelayMs: 100, maxDelayMs: 1_000 });
    let calls = 0;
    const p = withRetry(
      'insert',
      async () => {
        calls += 1;
        if (calls < 3) throw refused();
        return 'ok';
      },
      { budget, classify },
    );
    await vi.runAllTimersAsync();
    await expect(p).resolves.toBe('ok');
    expect(calls).toBe(3);
    expect(budget.retriesUsed).toBe(2);
    expect(budget.retriesLeft).toBe(3);
  });

  it('waits longer each time (exponential, with jitter within [1, 2) of the base)', async () => {
    const budget = new RetryBudget({ retries: 3, maxTimeMs: 600_000, minDelayMs: 1_000, maxDelayMs: 100_000 });
    const at: number[] = [];
    const p = withRetry(
      'read',
      async () => {
        at.push(Date.now());
        throw refused();
      },
      { budget, classify },
    );
    p.catch(() => undefined);
    await vi.runAllTimersAsync();
    await expect(p).rejects.toThrow(/gave up after 3 retries/);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(gaps).toHaveLength(3);
    gaps.forEach((g, i) => {
      expect(g).toBeGreaterThanOrEqual(1_000 * 2 ** i);
      expect(g).toBeLessThan(2_000 * 2 ** i);
    });
  });

  it('never retries a terminal error', async () => {
    const budget = new RetryBudget();
    let calls = 0;
    const p = withRetry(
      'insert',
      async () => {
        calls += 1;
        throw new ProoflineError(ErrorCode.AUTH_FAILED, 'authentication failed');
      },
      { budget, classify },
    );
    p.catch(() => undefined);
    await vi.runAllTimersAsync();
    await expect(p).rejects.toMatchObject({ code: ErrorCode.AUTH_FAILED });
    expect(calls).toBe(1);
    expect(budget.retriesUsed).toBe(0);
  });

  it('rethrows an unclassified error as it is, unretried', async () => {
    const raw = new TypeError('bug');
    const p = withRetry('x', () => Promise.reject(raw), { budget: new RetryBudget(), classify });
    await expect(p).rejects.toBe(raw);
  });

  it('shares one budget across operations: once the time is spent, the next failure ends with the classified code and its hint', async () => {
    const budget = new RetryBudget({ retries: 100, maxTimeMs: 5_000, minDelayMs: 1_000, maxDelayMs: 1_000 });
    const failing = (): Promise<never> => Promise.reject(refused());
    const first = withRetry('insert', failing, { budget, classify });
    first.catch(() => undefined);
    await vi.runAllTimersAsync();
    const e = (await first.catch((x: unknown) => x)) as ProoflineError;
    expect(e.code).toBe(ErrorCode.CONNECTION_REFUSED);
    expect(e.hint).toMatch(/running/);
    expect(e.message).toMatch(/retry budget is spent/);
    expect(budget.timeUsedMs).toBeGreaterThanOrEqual(5_000);
    // The next operation of the same run gets no retry at all.
    let calls = 0;
    const second = withRetry(
      'read',
      () => {
        calls += 1;
        return failing();
      },
      { budget, classify },
    );
    second.catch(() => undefined);
    await vi.runAllTimersAsync();
    await expect(second).rejects.toThrow(/retry budget is spent/);
    expect(calls).toBe(1);
  });

  it('reports each retry with what failed and how many retries are left', async () => {
    const budget = new RetryBudget({ retries: 2, maxTimeMs: 60_000, minDelayMs: 10, maxDelayMs: 10 });
    const seen: string[] = [];
    const p = withRetry('write', () => Promise.reject(refused()), { budget, classify, onRetry: (r) => seen.push(`${r.what} ${r.error.code} ${r.retriesLeft}`) });
    p.catch(() => undefined);
    await vi.runAllTimersAsync();
    await expect(p).rejects.toThrow();
    expect(seen).toEqual(['write CONNECTION_REFUSED 1', 'write CONNECTION_REFUSED 0']);
  });

  it('waits at least what the failure asks for (Retry-After), capped at the longest delay', async () => {
    const budget = new RetryBudget({ retries: 2, maxTimeMs: 600_000, minDelayMs: 10, maxDelayMs: 30_000 });
    const at: number[] = [];
    const p = withRetry(
      'GET',
      async () => {
        at.push(Date.now());
        if (at.length === 1) throw new ProoflineError(ErrorCode.SOURCE_UNAVAILABLE, 'HTTP 429');
        return 'ok';
      },
      { budget, classify, minDelayOf: () => 20_000 },
    );
    await vi.runAllTimersAsync();
    await expect(p).resolves.toBe('ok');
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(20_000);
  });

  it("grows the backoff with the run's failures in a row, across operations, and starts again after a success", async () => {
    const budget = new RetryBudget({ retries: 10, maxTimeMs: 600_000, minDelayMs: 1_000, maxDelayMs: 100_000 });
    const failingOnce = (): (() => Promise<string>) => {
      let calls = 0;
      return async () => {
        calls += 1;
        if (calls === 1) throw refused();
        return 'ok';
      };
    };
    // Two operations failing during the same outage: the second waits longer than the first.
    const a = failingOnce();
    const b = failingOnce();
    const started = Date.now();
    const both = Promise.all([withRetry('write a', a, { budget, classify }), withRetry('write b', b, { budget, classify })]);
    await vi.advanceTimersByTimeAsync(0);
    // Both failed: the streak is 2, so the second waits from 2× the first delay.
    expect(budget.streak).toBe(2);
    await vi.runAllTimersAsync();
    await expect(both).resolves.toEqual(['ok', 'ok']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(budget.streak).toBe(0);
  });
});

