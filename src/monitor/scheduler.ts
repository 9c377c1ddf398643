/**
 * Fixed-rate scheduling of one job per check: tick k is due at start + k × interval, so
 * a slow run or a busy event loop cannot make the schedule drift. A tick that comes due
 * while the previous run of the same job is still going is skipped and counted as
 * missed (runs of one check never overlap); ticks the timer could not honour at all
 * (event loop blocked past the next tick) are counted as missed too.
 */

export interface JobStats {
  name: string;
  intervalMs: number;
  /** Ticks that came due since the job started. */
  due: number;
  /** Ticks that started a run. */
  ran: number;
  /** Ticks skipped (previous run still going, or the timer fired past the next tick). */
  missed: number;
  /** Worst delay between a tick's due time and the moment it started, ms. */
  maxLateMs: number;
  running: boolean;
}

export interface ScheduledJob {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
  /** Called for each missed tick (metrics, logs). */
  onMissed?: (reason: 'overlap' | 'late') => void;
}

interface JobState {
  job: ScheduledJob;
  start: number;
  next: number;
  stats: JobStats;
  timer?: NodeJS.Timeout;
  inflight?: Promise<void>;
}

export class Scheduler {
  private readonly jobs = new Map<string, JobState>();
  private stopped = false;

  constructor(private readonly now: () => number = () => performance.now()) {}

  add(job: ScheduledJob, firstDelayMs = 0): void {
    const start = this.now() + firstDelayMs;
    const state: JobState = {
      job,
      start,
      next: 0,
      stats: { name: job.name, intervalMs: job.intervalMs, due: 0, ran: 0, missed: 0, maxLateMs: 0, running: false },
    };
    this.jobs.set(job.name, state);
    this.arm(state);
  }

  private arm(state: JobState): void {
    if (this.stopped) return;
    const due = state.start + state.next * state.job.intervalMs;
    state.timer = setTimeout(() => this.tick(state), Math.max(0, due - this.now()));
    state.timer.unref?.();
  }

  private tick(state: JobState): void {
    if (this.stopped) return;
    const { job, stats } = state;
    const now = this.now();
    // Every tick whose due time has passed counts as due; only the latest one may run.
    // A timer may fire a hair early: the tick it was armed for is due regardless.
    const lastDue = Math.max(state.next, Math.floor((now - state.start) / job.intervalMs));
    const skipped = Math.max(0, lastDue - state.next);
    stats.due += skipped + 1;
    stats.missed += skipped;
    for (let i = 0; i < skipped; i++) job.onMissed?.('late');
    state.next = lastDue + 1;
    const lateMs = Math.max(0, now - (state.start + lastDue * job.intervalMs));
    if (state.inflight) {
      stats.missed += 1;
      job.onMissed?.('overlap');
    } else {
      stats.ran += 1;
      stats.maxLateMs = Math.max(stats.maxLateMs, lateMs);
      stats.running = true;
      state.inflight = job
        .run()
        // Jobs report their own failures (a check result, a sync's run record); the scheduler only keeps time.
        .catch(() => undefined)
        .finally(() => {
          state.inflight = undefined;
          stats.running = false;
        });
    }
    this.arm(state);
  }

  stats(): JobStats[] {
    return [...this.jobs.values()].map((s) => ({ ...s.stats }));
  }

  /** Stop ticking; resolves when in-flight runs end or `graceMs` passes (returns the names still running). */
  async stop(graceMs: number): Promise<string[]> {
    this.stopped = true;
    for (const s of this.jobs.values()) clearTimeout(s.timer);
    const running = [...this.jobs.values()].filter((s) => s.inflight);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(running.map((s) => s.inflight)),
      new Promise<void>((r) => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
    return running.filter((s) => s.inflight).map((s) => s.job.name);
  }
}
