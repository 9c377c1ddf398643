import type { PipelineConfig } from '../config/load.js';
import type { StalenessWatch } from '../checks/replication-staleness.js';
import { CHECK_NAMES, CheckStatus, type CheckName, type CheckResult } from '../checks/result.js';
import { parsePositiveDuration } from '../common/duration.js';
import type { Logger } from '../common/logger.js';
import { redactText } from '../common/redact.js';
import { errorMessage } from '../errors.js';
import type { Alerts } from './alerts.js';
import { raceCheck } from './check-timeout.js';
import { digest, type CheckDigest } from './digest.js';
import type { HistoryStore } from './history.js';
import type { MonitorMetrics } from './metrics.js';
import type { Scheduler } from './scheduler.js';

/**
 * The monitor's checks: one scheduler job per enabled check, each on its own interval and
 * under the monitor's check timeout. Each result goes to the metrics, the history, the
 * alerts and the dashboard's event stream, and the latest ones are kept in memory for
 * when the database is not reachable.
 */

export type CheckRunner = (name: CheckName, config: PipelineConfig, options: { signal?: AbortSignal; staleness?: StalenessWatch }) => Promise<CheckResult>;

export interface CheckSetting {
  name: CheckName;
  intervalMs: number;
}

type Entry = CheckDigest & { at: string };

interface CheckState extends CheckSetting {
  latest?: Entry;
  lastSuccessAt?: string;
  recent: Entry[];
}

const RECENT_IN_MEMORY = 200;

export function checkSettings(config: PipelineConfig): CheckSetting[] {
  const checks = (config.checks ?? {}) as unknown as Record<string, { enabled?: boolean; interval?: string } | undefined>;
  return CHECK_NAMES.filter((n) => checks[n]?.enabled !== false).map((name) => ({ name, intervalMs: parsePositiveDuration(checks[name]?.interval ?? '60s', `checks.${name}.interval`) }));
}

export interface CheckLoopDeps {
  config: PipelineConfig;
  runCheck: CheckRunner;
  metrics: MonitorMetrics;
  alerts: Alerts;
  /** Lives as long as the monitor: a stale replica's oldest unseen marker is watched across runs. */
  staleness: StalenessWatch;
  history: () => HistoryStore | undefined;
  broadcast: (event: string, data: unknown) => void;
  log: Logger;
}

export class CheckLoop {
  readonly settings: CheckSetting[];
  private readonly states: Map<CheckName, CheckState>;
  private readonly inflight = new Map<CheckName, AbortController>();
  private readonly timeoutMs: number;
  /** The latest complete schema result (its evidence holds a bounded sample of invalid documents), for the dashboard. */
  private schema?: { at: string; result: CheckResult };

  constructor(private readonly d: CheckLoopDeps) {
    this.settings = checkSettings(d.config);
    this.states = new Map(this.settings.map((s) => [s.name, { ...s, recent: [] }]));
    this.timeoutMs = parsePositiveDuration(d.config.monitor.check_timeout, 'monitor.check_timeout');
  }

  schedule(scheduler: Scheduler): void {
    for (const s of this.settings) {
      // A real zero from the start (no tick missed yet), so rate() works before the first miss.
      this.d.metrics.ticksMissed.inc({ check: s.name }, 0);
      scheduler.add({
        name: s.name,
        intervalMs: s.intervalMs,
        run: () => this.runOne(s.name),
        onMissed: (reason) => {
          this.d.metrics.ticksMissed.inc({ check: s.name });
          this.d.log.warn({ event: 'tick_missed', check: s.name, reason }, `${s.name}: scheduled run skipped (${reason === 'overlap' ? 'previous run still going' : 'timer late'})`);
        },
      });
    }
  }

  /** Tell the runs of these checks that the monitor is stopping. */
  interrupt(names: string[]): void {
    for (const name of names) this.inflight.get(name as CheckName)?.abort(new Error('monitor shutting down'));
  }

  /** For the status API: each check's interval, whether it runs now, its latest result. */
  status(): Array<{ name: CheckName; intervalMs: number; running: boolean; latest: Entry | null; lastSuccessAt: string | null }> {
    return this.settings.map((s) => {
      const st = this.states.get(s.name)!;
      return { name: s.name, intervalMs: s.intervalMs, running: this.inflight.has(s.name), latest: st.latest ?? null, lastSuccessAt: st.lastSuccessAt ?? null };
    });
  }

  /** The latest complete schema result, with when it ran. */
  latestSchema(): { at: string; result: CheckResult } | undefined {
    return this.schema;
  }

  /** The latest results kept in memory, newest first (the history API's fallback). */
  recent(check: string | undefined, limit: number): Entry[] {
    const all = [...this.states.values()].filter((s) => !check || s.name === check).flatMap((s) => s.recent);
    all.sort((a, b) => b.at.localeCompare(a.at));
    return all.slice(0, limit);
  }

  private async runOne(name: CheckName): Promise<void> {
    const controller = new AbortController();
    this.inflight.set(name, controller);
    try {
      const raced = await raceCheck(name, (signal) => this.d.runCheck(name, this.d.config, { signal, staleness: this.d.staleness }), {
        timeoutMs: this.timeoutMs,
        timeoutText: this.d.config.monitor.check_timeout,
        controller,
      });
      await this.accept(raced.result, raced.interrupted);
      // A timed-out run holds its slot until it really ends: runs of one check never overlap.
      // Its late result or error is of no use any more: the timeout was already reported.
      if (raced.interrupted) await raced.work.catch(() => undefined);
    } finally {
      this.inflight.delete(name);
    }
  }

  private async accept(result: CheckResult, interrupted?: string): Promise<void> {
    const at = new Date();
    this.d.metrics.observeCheck(result, at.getTime());
    const d: CheckDigest = { ...digest(result), ...(interrupted ? { interrupted } : {}) };
    const state = this.states.get(result.name)!;
    const entry = { ...d, at: at.toISOString() };
    state.latest = entry;
    if (result.status === CheckStatus.PASS || result.status === CheckStatus.WARN) state.lastSuccessAt = entry.at;
    state.recent.unshift(entry);
    state.recent.length = Math.min(state.recent.length, RECENT_IN_MEMORY);
    if (result.name === 'schema' && !interrupted) this.schema = { at: entry.at, result };
    this.d.log.info({ event: 'check_run', check: result.name, status: result.status, durationMs: result.durationMs, interrupted }, `${result.name}: ${result.status}: ${d.summary}`);
    await this.d
      .history()
      ?.recordCheck(d, at)
      .catch((e: unknown) => this.d.log.warn({ err: redactText(errorMessage(e)), check: result.name }, 'check run not recorded in history'));
    this.d.alerts.evaluate(result, at);
    this.d.broadcast('check', entry);
  }
}
