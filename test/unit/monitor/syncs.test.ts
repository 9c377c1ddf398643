import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { MonitorMetrics } from '../../../src/monitor/metrics.js';
import { SyncSchedules, type SyncRunner } from '../../../src/monitor/syncs.js';
import type { SyncReport } from '../../../src/sync/run-result.js';

/**
 * Scheduled syncs fire from real croner schedules; runs of one schedule never overlap.
 * Time is faked, so each firing happens at a known second.
 */

// Through the global setTimeout, which the fake timers replace.
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  vi.useRealTimers();
});

function config(syncs: unknown[]) {
  return parseConfig({ name: 'p', mongodb: { uri: 'mongodb://127.0.0.1:1/', database: 'd' }, monitor: { syncs } }, 'p.yaml', {});
}

const report = (stream: string): SyncReport => ({
  runId: 'r',
  pipeline: 'p',
  origin: 'sync',
  status: 'succeeded',
  startedAt: new Date().toISOString(),
  finishedAt: new Date().toISOString(),
  streams: [{ stream, collection: stream, status: 'succeeded', durationMs: 1, read: 5, inserted: 3, updated: 1, unchanged: 0, duplicate: 0, rejected: 1, rejectedByKind: { minimum: 1 } }],
});

describe('scheduled syncs', () => {
  it('prevents overlapping runs of the same schedule (every-second cron, 2.5 s runs)', async () => {
    vi.useFakeTimers({ now: new Date('2026-01-01T00:00:00.500Z') });
    let running = 0;
    let maxRunning = 0;
    let calls = 0;
    const slow: SyncRunner = async (_c, o) => {
      calls++;
      running++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(2_500);
      running--;
      expect(o.streams).toEqual(['weather']);
      return report('weather');
    };
    const metrics = new MonitorMetrics();
    const s = new SyncSchedules(config([{ cron: '* * * * * *', streams: ['weather'], name: 'hourly' }]), { runSync: slow, metrics, history: () => undefined });
    s.start();
    // Firings at :01 (runs until :03.5), :02 and :03 (skipped), :04 (runs until :06.5).
    await vi.advanceTimersByTimeAsync(4_200);
    const stopping = s.stop(5_000);
    await vi.advanceTimersByTimeAsync(5_000);
    await stopping;
    const [st] = s.states();
    expect(maxRunning).toBe(1);
    expect(calls).toBe(2);
    expect(st!.skipped).toBe(2);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/proofline_sync_runs_total\{sync="hourly",status="skipped"\} 2\n/);
    expect(text).toMatch(/proofline_sync_records_total\{stream="weather",outcome="inserted"\} 6\n/);
  });

  it('trigger() reports skipped while a run is going', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const runner: SyncRunner = async () => {
      await gate;
      return report('s');
    };
    const s = new SyncSchedules(config([{ cron: '0 0 1 1 *', name: 'yearly' }]), { runSync: runner, metrics: new MonitorMetrics(), history: () => undefined });
    expect(s.trigger('yearly')).toBe('started');
    expect(s.trigger('yearly')).toBe('skipped');
    release();
    await s.stop(1_000);
    expect(s.trigger('yearly')).toBe('started');
    await s.stop(1_000);
    expect(s.states()[0]).toMatchObject({ runs: 2, skipped: 1, lastStatus: 'succeeded' });
  });

  it('records a sync still running at shutdown as interrupted', async () => {
    const runner: SyncRunner = (_c, o) =>
      new Promise((_resolve, reject) => {
        o.signal?.addEventListener('abort', () => reject(new Error('aborted')));
      });
    const metrics = new MonitorMetrics();
    const s = new SyncSchedules(config([{ cron: '0 0 1 1 *', name: 'stuck' }]), { runSync: runner, metrics, history: () => undefined });
    s.trigger('stuck');
    await s.stop(50);
    expect(s.states()[0]).toMatchObject({ running: false, lastStatus: 'interrupted' });
    expect(await metrics.registry.metrics()).toMatch(/proofline_sync_runs_total\{sync="stuck",status="interrupted"\} 1/);
  });

  it('rejects a bad cron pattern as a config error', () => {
    expect(() => new SyncSchedules(config([{ cron: '61 * * * * *' }]), { runSync: async () => report('x'), metrics: new MonitorMetrics(), history: () => undefined })).toThrow(ConfigError);
  });
});
