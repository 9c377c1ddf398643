import { afterEach, describe, expect, it, vi } from 'vitest';
import { CheckStatus, type CheckResult } from '../../../src/checks/result.js';
import { raceCheck } from '../../../src/monitor/check-timeout.js';

/** The monitor's clock around one check run (fake timers: no real waiting). */

const passing = (name: 'schema'): CheckResult => ({ name, status: CheckStatus.PASS, summary: 'ok', startedAt: '', durationMs: 1, measurements: {}, thresholds: [], findings: [], evidence: {} });

afterEach(() => {
  vi.useRealTimers();
});

describe('raceCheck', () => {
  it('returns the check result when it ends first', async () => {
    vi.useFakeTimers();
    const raced = await raceCheck('schema', async () => passing('schema'), { timeoutMs: 1_000, timeoutText: '1s', controller: new AbortController() });
    expect(raced.result.status).toBe(CheckStatus.PASS);
    expect(raced.interrupted).toBeUndefined();
  });

  it('fails at the timeout, names it, and tells the work to stop', async () => {
    vi.useFakeTimers();
    let seen: AbortSignal | undefined;
    const controller = new AbortController();
    const pending = raceCheck(
      'schema',
      (signal) => {
        seen = signal;
        return new Promise<CheckResult>((resolve) => signal.addEventListener('abort', () => resolve(passing('schema'))));
      },
      { timeoutMs: 5_000, timeoutText: '5s', controller },
    );
    await vi.advanceTimersByTimeAsync(5_000);
    const raced = await pending;
    expect(raced.interrupted).toBe('timeout');
    expect(raced.result).toMatchObject({ name: 'schema', status: CheckStatus.FAIL, summary: 'schema check timed out after 5s', durationMs: 5_000 });
    expect(seen?.aborted).toBe(true);
    await expect(raced.work).resolves.toBeDefined();
  });

  it('reports a run cut short by the monitor stopping as interrupted, not as timed out', async () => {
    vi.useFakeTimers();
    const controller = new AbortController();
    const pending = raceCheck('schema', () => new Promise<CheckResult>(() => undefined), { timeoutMs: 60_000, timeoutText: '60s', controller });
    controller.abort(new Error('monitor shutting down'));
    const raced = await pending;
    expect(raced.interrupted).toBe('shutdown');
    expect(raced.result.summary).toBe('schema check interrupted: the monitor was stopping');
  });
});
