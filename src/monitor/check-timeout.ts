import { CheckStatus, type CheckName, type CheckResult } from '../checks/result.js';

/**
 * A check run against the monitor's clock: it ends with its own result, or with a FAIL
 * result at the timeout, or when the monitor stops. Whichever comes first is reported;
 * the work itself is told to stop through the signal and still awaited by the caller, so
 * runs of one check never overlap.
 */

export type Interruption = 'timeout' | 'shutdown';

export function timedOut(name: CheckName, ms: number, startedAt: string, reason: string): CheckResult {
  return {
    name,
    status: CheckStatus.FAIL,
    summary: `${name} check ${reason}`,
    startedAt,
    durationMs: ms,
    measurements: {},
    thresholds: [],
    findings: [{ status: CheckStatus.FAIL, message: `${name} check ${reason}` }],
    evidence: {},
  };
}

export interface RacedCheck {
  result: CheckResult;
  interrupted?: Interruption;
  /** The work itself, settled or not: await it before the next run of the same check. */
  work: Promise<unknown>;
}

export async function raceCheck(
  name: CheckName,
  run: (signal: AbortSignal) => Promise<CheckResult>,
  o: { timeoutMs: number; timeoutText: string; controller: AbortController },
): Promise<RacedCheck> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const cut = new Promise<{ result: CheckResult; interrupted: Interruption }>((resolve) => {
    timer = setTimeout(() => resolve({ result: timedOut(name, o.timeoutMs, startedAt, `timed out after ${o.timeoutText}`), interrupted: 'timeout' }), o.timeoutMs);
    o.controller.signal.addEventListener('abort', () =>
      resolve({ result: timedOut(name, Math.round(performance.now() - started), startedAt, 'interrupted: the monitor was stopping'), interrupted: 'shutdown' }),
    );
  });
  const work = run(o.controller.signal).then((result) => ({ result, interrupted: undefined }));
  try {
    const { result, interrupted } = await Promise.race([work, cut]);
    if (interrupted === 'timeout') o.controller.abort(new Error('check timed out'));
    return { result, ...(interrupted ? { interrupted } : {}), work };
  } finally {
    clearTimeout(timer);
  }
}
