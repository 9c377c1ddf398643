import { Cron } from 'croner';
import type { PipelineConfig } from '../config/load.js';
import type { MonitorSyncSchedule } from '../config/monitor.js';
import { logger } from '../common/logger.js';
import { redactText } from '../common/redact.js';
import { ConfigError, errorMessage } from '../errors.js';
import type { MonitorMetrics } from './metrics.js';
import type { HistoryStore } from './history.js';
import type { RunSyncOptions } from '../sync/run-sync.js';
import type { SyncReport } from '../sync/run-result.js';

/**
 * Scheduled syncs. croner parses the cron patterns and fires the ticks; this module
 * guarantees that two runs of the same schedule never overlap (a tick that finds the
 * previous run still going is logged and counted as `skipped`), and that a run cut
 * short by shutdown is recorded as `interrupted`, never silently lost.
 */

/** The part of a stream's sync report a schedule needs: the counts (as the engine declares them) and how it ended. */
/** How a scheduled sync ended, as the monitor records it: the engine's report, or only a status when the run threw or was stopped. */
type SyncOutcome = Pick<SyncReport, 'status' | 'streams'> & { runId?: string; finishedAt: string };

/** The sync engine's entry point (sync/run-sync.ts), injectable so unit tests run schedules with fake timers. */
export type SyncRunner = (config: PipelineConfig, options: Pick<RunSyncOptions, 'streams' | 'signal'>) => Promise<SyncReport>;

export interface SyncScheduleState {
  name: string;
  cron: string;
  streams: string[] | 'all';
  running: boolean;
  nextRunAt: string | null;
  lastStatus: string | null;
  lastFinishedAt: string | null;
  runs: number;
  skipped: number;
}

export type SyncTrigger = 'started' | 'skipped';

interface Entry {
  schedule: MonitorSyncSchedule;
  state: SyncScheduleState;
  cron?: Cron;
  inflight?: Promise<void>;
  controller?: AbortController;
  startedAt?: string;
}

export interface SyncSchedulesOptions {
  runSync: SyncRunner;
  metrics: MonitorMetrics;
  history: () => HistoryStore | undefined;
  onEvent?: (event: string, data: unknown) => void;
}

export function scheduleName(s: MonitorSyncSchedule): string {
  return s.name ?? (s.streams ? s.streams.join('+') : 'all-streams');
}

export class SyncSchedules {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly config: PipelineConfig,
    private readonly options: SyncSchedulesOptions,
  ) {
    for (const schedule of config.monitor.syncs ?? []) {
      const name = scheduleName(schedule);
      if (this.entries.has(name)) throw new ConfigError(`monitor.syncs: two schedules are named ${name}; give each a distinct name`);
      try {
        // Validate the pattern now so a typo is a config error (exit 2), not a silent never-run.
        new Cron(schedule.cron, { paused: true }).stop();
      } catch (e) {
        throw new ConfigError(`monitor.syncs[${name}].cron: ${errorMessage(e)}`);
      }
      this.entries.set(name, {
        schedule,
        state: { name, cron: schedule.cron, streams: schedule.streams ?? 'all', running: false, nextRunAt: null, lastStatus: null, lastFinishedAt: null, runs: 0, skipped: 0 },
      });
    }
  }

  start(): void {
    for (const [name, e] of this.entries) {
      e.cron = new Cron(e.schedule.cron, { catch: true }, () => {
        this.trigger(name);
      });
      e.state.nextRunAt = e.cron.nextRun()?.toISOString() ?? null;
    }
  }

  /** Start a run now unless one is going; returns what happened. */
  trigger(name: string): SyncTrigger {
    const e = this.entries.get(name);
    if (!e) throw new ConfigError(`no sync schedule named ${name}`);
    e.state.nextRunAt = e.cron?.nextRun()?.toISOString() ?? null;
    if (e.inflight) {
      e.state.skipped += 1;
      this.options.metrics.syncRuns.inc({ sync: name, status: 'skipped' });
      logger().warn({ event: 'sync_skipped', sync: name, since: e.startedAt }, `sync ${name}: previous run still in progress, this tick is skipped`);
      return 'skipped';
    }
    e.controller = new AbortController();
    e.startedAt = new Date().toISOString();
    e.state.running = true;
    e.inflight = this.run(name, e).finally(() => {
      e.inflight = undefined;
      e.controller = undefined;
      e.state.running = false;
    });
    return 'started';
  }

  private async run(name: string, e: Entry): Promise<void> {
    const log = logger();
    const startedAt = e.startedAt!;
    log.info({ event: 'sync_start', sync: name, streams: e.state.streams }, `sync ${name}: started`);
    let report: SyncOutcome;
    try {
      report = await this.options.runSync(this.config, { ...(e.schedule.streams ? { streams: e.schedule.streams } : {}), signal: e.controller!.signal });
    } catch (err) {
      const interrupted = e.controller?.signal.aborted;
      report = { status: interrupted ? 'interrupted' : 'failed', finishedAt: new Date().toISOString(), streams: [] };
      const message = redactText(errorMessage(err));
      log.error({ event: 'sync_end', sync: name, status: report.status, err: message }, `sync ${name}: ${report.status}`);
      await this.record(name, { status: report.status, startedAt, finishedAt: report.finishedAt, error: message, streams: [] });
      this.finish(name, e, report);
      return;
    }
    const status = e.controller?.signal.aborted && report.status !== 'succeeded' ? 'interrupted' : report.status;
    const finishedAt = report.finishedAt ?? new Date().toISOString();
    log.info(
      { event: 'sync_end', sync: name, runId: report.runId, status, streams: report.streams.map((s) => ({ stream: s.stream, read: s.read, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged, duplicate: s.duplicate, rejected: s.rejected })) },
      `sync ${name}: ${status}`,
    );
    await this.record(name, { status, startedAt, finishedAt, streams: report.streams as unknown as Record<string, unknown>[] });
    this.finish(name, e, { ...report, status, finishedAt });
  }

  private finish(name: string, e: Entry, report: SyncOutcome): void {
    e.state.runs += 1;
    e.state.lastStatus = report.status;
    e.state.lastFinishedAt = report.finishedAt;
    this.options.metrics.observeSync({ sync: name, status: report.status, finishedAt: new Date(e.state.lastFinishedAt), streams: report.streams });
    this.options.onEvent?.('sync', { sync: name, status: report.status, finishedAt: e.state.lastFinishedAt });
  }

  private async record(name: string, entry: { status: string; startedAt: string; finishedAt: string; error?: string; streams: Record<string, unknown>[] }): Promise<void> {
    await this.options
      .history()
      ?.recordSync({ sync: name, ...entry })
      .catch((err: unknown) => logger().warn({ err: redactText(errorMessage(err)), sync: name }, 'sync run not recorded in history'));
  }

  states(): SyncScheduleState[] {
    return [...this.entries.values()].map((e) => ({ ...e.state }));
  }

  /** Stop the crons; let running syncs finish within graceMs, then abort them (recorded as interrupted). */
  async stop(graceMs: number): Promise<void> {
    for (const e of this.entries.values()) e.cron?.stop();
    const running = [...this.entries.values()].filter((e) => e.inflight);
    if (!running.length) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running.map((e) => e.inflight)), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const e of running) e.controller?.abort(new Error('monitor shutting down'));
    // An aborted run records itself as interrupted; give it a moment to do so.
    await Promise.race([Promise.all(running.map((e) => e.inflight)), new Promise<void>((r) => (timer = setTimeout(r, 5_000)))]);
    clearTimeout(timer);
    // A sync that ignores its abort signal is still accounted for.
    for (const [name, e] of this.entries) {
      if (!e.inflight) continue;
      const finishedAt = new Date().toISOString();
      await this.record(name, { status: 'interrupted', startedAt: e.startedAt!, finishedAt, error: 'still running when the monitor stopped', streams: [] });
      this.finish(name, e, { status: 'interrupted', finishedAt, streams: [] });
    }
  }
}
