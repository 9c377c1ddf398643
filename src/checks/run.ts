import type { PipelineConfig } from '../config/load.js';
import type { Logger } from '../common/logger.js';
import { isProoflineError, isUsageOrConfigError } from '../errors.js';
import { CHECK_NAMES, CheckStatus, type CheckName, type CheckResult } from './result.js';
import { checkAvailability } from './availability.js';
import { checkSchema } from './schema.js';
import { checkQuality } from './quality.js';
import { checkReplication } from './replication.js';
import { checkCoherence } from './coherence.js';
import { CheckSession, type CheckContext } from './check-session.js';
import type { StalenessWatch } from './replication-staleness.js';
import { serverMessage } from '../common/server-message.js';

/**
 * The one entry point to the checks, for the CLI, the monitor and the report. It never
 * throws for a server problem: an unreachable member or a failing command becomes a
 * `fail` result carrying the classified, credential-free message. A bad config (a schema
 * file that does not exist or compile) is not a server problem: it throws a ConfigError,
 * so the CLI exits 2 and the monitor refuses to start, instead of reporting red forever.
 */

export interface RunCheckOptions {
  logger?: Logger;
  signal?: AbortSignal;
  /** The run's database session, shared by its checks (runChecks makes one): an unreachable member costs one timeout per run. */
  session?: CheckSession;
  /** The monitor's: keeps polling markers a stale replica has not shown (src/checks/replication-staleness.ts). */
  staleness?: StalenessWatch;
}

const CHECKS: Record<CheckName, (config: PipelineConfig, ctx: CheckContext) => Promise<CheckResult>> = {
  availability: checkAvailability,
  schema: checkSchema,
  quality: checkQuality,
  replication: checkReplication,
  coherence: checkCoherence,
};

function crashed(name: CheckName, e: unknown, started: number, startedAt: string): CheckResult {
  const message = serverMessage(e);
  const code = isProoflineError(e) ? e.code : 'INTERNAL';
  const hint = isProoflineError(e) && e.hint ? ` (${e.hint})` : '';
  return {
    name,
    status: CheckStatus.FAIL,
    summary: `${name} check could not run [${code}]: ${message}${hint}`,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    measurements: {},
    thresholds: [],
    findings: [{ status: CheckStatus.FAIL, message: `[${code}] ${message}${hint}` }],
    evidence: {},
  };
}

export async function runCheck(name: CheckName, config: PipelineConfig, options: RunCheckOptions = {}): Promise<CheckResult> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  // Alone (a monitor tick), a check has a session of its own; in a run, the run's.
  const session = options.session ?? new CheckSession(config);
  try {
    const result = await CHECKS[name](config, { ...options, session });
    options.logger?.info({ check: name, status: result.status, durationMs: result.durationMs }, result.summary);
    return result;
  } catch (e) {
    if (isUsageOrConfigError(e)) throw e;
    options.logger?.warn({ check: name, err: e }, 'check could not run');
    return crashed(name, e, started, startedAt);
  } finally {
    if (!options.session) await session.close();
  }
}

/** `all` runs every enabled check, in a fixed order; named checks run even if disabled. */
export async function runChecks(config: PipelineConfig, names: CheckName[] | 'all', options: RunCheckOptions = {}): Promise<CheckResult[]> {
  const selected = names === 'all' ? CHECK_NAMES.filter((n) => config.checks[n].enabled) : names;
  const session = options.session ?? new CheckSession(config);
  const results: CheckResult[] = [];
  try {
    for (const name of selected) {
      if (options.signal?.aborted) break;
      session.current = `the ${name} check`;
      results.push(await runCheck(name, config, { ...options, session }));
    }
  } finally {
    if (!options.session) await session.close();
  }
  return results;
}

export function isCheckName(s: string): s is CheckName {
  return (CHECK_NAMES as readonly string[]).includes(s);
}
