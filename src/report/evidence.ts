import { basename } from 'node:path';
import type { PipelineConfig } from '../config/load.js';
import { runChecks, type RunCheckOptions } from '../checks/run.js';
import { CHECK_NAMES, type CheckName, type CheckResult, type CheckStatus } from '../checks/result.js';
import { endpointsOf } from '../checks/endpoints.js';
import { CheckSession } from '../checks/check-session.js';
import { redactText } from '../common/redact.js';
import { overallStatus } from './context.js';
import { collectEnvironment, type EnvironmentReport } from './environment.js';
import { latestRuns, type RunSummary } from './runs.js';
import { readHistory, type HistoryLookup } from './history-results.js';
import { serverMessage } from '../common/server-message.js';
import { collectProfile, type CollectionProfile } from './profile.js';
import { collectQuarantine, type QuarantineReport } from '../store/quarantine-samples.js';

/**
 * The evidence bundle a team hands over: every check's result with its numbers and
 * thresholds, the latest sync runs with their accounting, the environment (server,
 * capabilities, topology) and log excerpts. One object, rendered to HTML and written as
 * its JSON twin; reports read this, never logs.
 */

export interface EvidenceOptions extends RunCheckOptions {
  /** Reuse fresh results from the monitor's history instead of running every check. */
  fromHistory?: boolean;
  /** How old a history entry may be to count as fresh. */
  historyMaxAgeMs?: number;
  /** How many recent sync runs to include. */
  runs?: number;
  now?: () => Date;
}

export interface EvidenceBundle {
  kind: 'proofline-evidence';
  version: 1;
  generatedAt: string;
  pipeline: { name: string; config: string; database: string };
  /** What the report concludes: the worst measured status (see overallStatus). */
  verdict: CheckStatus;
  checks: CheckResult[];
  /** Per check: `live`, or where the result came from. */
  checkSources: Partial<Record<CheckName, string>>;
  runs: RunSummary[];
  /** Why the runs could not be read, if they could not. */
  runsError?: string;
  environment: EnvironmentReport;
  /** Recent statuses per check from the monitor history, when read. */
  history?: HistoryLookup['series'];
  /** Per collection and source: volume per day and per-field statistics. */
  profile: CollectionProfile[];
  /** The newest quarantined records per collection, by rule and field. */
  quarantine: QuarantineReport[];
}

export const DEFAULT_HISTORY_MAX_AGE_MS = 15 * 60_000;

export async function buildEvidence(config: PipelineConfig, options: EvidenceOptions = {}): Promise<EvidenceBundle> {
  const enabled = CHECK_NAMES.filter((n) => config.checks[n]?.enabled !== false);
  // One session for the whole report: with the primary down, the runs, every check and
  // the environment say so after one timeout, not one each.
  const session = options.session ?? new CheckSession(config);
  try {
    return await collect(config, options, session, enabled);
  } finally {
    if (!options.session) await session.close();
  }
}

async function collect(config: PipelineConfig, options: EvidenceOptions, session: CheckSession, enabled: CheckName[]): Promise<EvidenceBundle> {
  const now = options.now ?? (() => new Date());
  let runs: RunSummary[] = [];
  let runsError: string | undefined;
  let history: HistoryLookup | undefined;
  let profile: CollectionProfile[] = [];
  let quarantine: QuarantineReport[] = [];
  session.current = 'the read of the sync runs';
  const primary = endpointsOf(config)[0]!;
  const c = await session.member(primary);
  if (c.ok) {
    try {
      const db = c.client.db(config.mongodb.database);
      runs = await latestRuns(db, options.runs ?? 5);
      const collections = config.checks.schema.collections.map((t) => t.collection);
      // The quarantine is a supplement: unreadable, it is left out rather than hiding the runs.
      quarantine = await collectQuarantine(db, collections).catch(() => []);
      profile = await collectProfile(db, config);
      if (options.fromHistory) history = await readHistory(db, config, options.historyMaxAgeMs ?? DEFAULT_HISTORY_MAX_AGE_MS, now().getTime());
    } catch (e) {
      runsError = serverMessage(e);
    }
  } else {
    runsError = `[${c.error.code}] ${redactText(c.error.message)}`;
  }

  const reused = history?.results ?? {};
  const live = enabled.filter((n) => !reused[n]);
  const liveResults = await runChecks(config, live, { ...options, session });
  const byName = new Map<CheckName, CheckResult>(liveResults.map((r) => [r.name, r]));
  const checks = enabled.map((n) => reused[n] ?? byName.get(n)).filter((r): r is CheckResult => Boolean(r));
  const checkSources: Partial<Record<CheckName, string>> = {};
  for (const n of enabled) checkSources[n] = reused[n] ? history!.notes[n]! : options.fromHistory ? `live (${history?.notes[n] ?? 'history unreadable'})` : 'live';

  session.current = 'the environment probe';
  const environment = await collectEnvironment(config, session);
  return {
    kind: 'proofline-evidence',
    version: 1,
    generatedAt: now().toISOString(),
    pipeline: { name: config.name, config: basename(config.file), database: config.mongodb.database },
    verdict: overallStatus(checks),
    checks,
    checkSources,
    runs,
    ...(runsError ? { runsError } : {}),
    environment,
    profile,
    quarantine,
    ...(history ? { history: history.series } : {}),
  };
}
