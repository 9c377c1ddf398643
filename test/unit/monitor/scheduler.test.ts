import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Scheduler } from '../../../src/monitor/scheduler.js';

/**
 * The fixed-rate scheduler on fake timers: every tick, run and miss happens at a known
 * instant, so the counts are exact. The scheduler reads the (faked) wall clock.
 */

const scheduler = () => new Scheduler(() => Date.now());
// Through the global setTimeout, which the fake timers replace (node:timers/promises is not faked).
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Stop, letting fake time pass for the grace period. */
async function stopAfter(s: Scheduler, graceMs: number): Promise<string[]> {
  const stopping = s.stop(graceMs);
  await vi.advanceTimersByTimeAsync(graceMs);
  return stopping;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('scheduler', () => {
  it('runs each job on its own interval', async () => {
    const s = scheduler();
    const runs = { fast: 0, slow: 0 };
    s.add({ name: 'fast', intervalMs: 20, run: async () => void runs.fast++ });
    s.add({ name: 'slow', intervalMs: 100, run: async () => void runs.slow++ });
    await vi.advanceTimersByTimeAsync(330);
    await stopAfter(s, 100);
    // Ticks at 0, 20, …, 320 and at 0, 100, 200, 300.
    expect(runs).toEqual({ fast: 17, slow: 4 });
    expect(s.stats().map((st) => [st.name, st.due, st.missed])).toEqual([
      ['fast', 17, 0],
      ['slow', 4, 0],
    ]);
  });

  it('never overlaps runs of one job: a tick during a run is counted missed', async () => {
    const s = scheduler();
    let concurrent = 0;
    let maxConcurrent = 0;
    const missed: string[] = [];
    s.add({
      name: 'slow',
      intervalMs: 20,
      run: async () => {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await sleep(70);
        concurrent--;
      },
      onMissed: (r) => missed.push(r),
    });
    await vi.advanceTimersByTimeAsync(300);
    await stopAfter(s, 200);
    const [st] = s.stats();
    // Runs start at 0, 80, 160, 240 (each takes 70 ms); the three ticks inside each run are missed.
    expect(maxConcurrent).toBe(1);
    expect(st).toMatchObject({ due: 16, ran: 4, missed: 12 });
    expect(missed).toEqual(Array(12).fill('overlap'));
  });

  it('counts ticks a blocked event loop could not honour', async () => {
    const s = scheduler();
    const missed: string[] = [];
    s.add({ name: 'j', intervalMs: 10, run: async () => undefined, onMissed: (r) => missed.push(r) });
    await vi.advanceTimersByTimeAsync(15); // ticks at 0 and 10 run
    // The loop is blocked for 60 ms: the clock moves, no timer fires meanwhile.
    vi.setSystemTime(Date.now() + 60);
    await vi.advanceTimersByTimeAsync(5); // the tick armed for 20 fires at 80: ticks 2…7 were never honoured
    await stopAfter(s, 50);
    const [st] = s.stats();
    expect(st).toMatchObject({ ran: 3, missed: 6, due: 9 });
    expect(st!.maxLateMs).toBe(0);
    expect(missed).toEqual(Array(6).fill('late'));
  });

  it('waits for in-flight runs on stop, up to the grace period', async () => {
    const s = scheduler();
    let finished = false;
    s.add({
      name: 'j',
      intervalMs: 1000,
      run: async () => {
        await sleep(50);
        finished = true;
      },
    });
    await vi.advanceTimersByTimeAsync(5);
    expect(await stopAfter(s, 1000)).toEqual([]);
    expect(finished).toBe(true);
    const s2 = scheduler();
    s2.add({ name: 'stuck', intervalMs: 1000, run: async () => void (await sleep(500)) });
    await vi.advanceTimersByTimeAsync(5);
    expect(await stopAfter(s2, 20)).toEqual(['stuck']);
  });
});
