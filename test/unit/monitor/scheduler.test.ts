import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../../src/monitor/scheduler.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduler', () => {
  it('runs each job on its own interval', async () => {
    const s = new Scheduler();
    const runs = { fast: 0, slow: 0 };
    s.add({ name: 'fast', intervalMs: 20, run: async () => void runs.fast++ });
    s.add({ name: 'slow', intervalMs: 100, run: async () => void runs.slow++ });
    await sleep(330);
    await s.stop(100);
    expect(runs.fast).toBeGreaterThanOrEqual(10);
    expect(runs.slow).toBeGreaterThanOrEqual(3);
    expect(runs.slow).toBeLessThanOrEqual(5);
    expect(runs.fast).toBeGreaterThan(runs.slow * 2);
  });

  it('never overlaps runs of one job: a tick during a run is counted missed', async () => {
    const s = new Scheduler();
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
    await sleep(300);
    await s.stop(200);
    const [st] = s.stats();
    expect(maxConcurrent).toBe(1);
    expect(st!.missed).toBeGreaterThan(0);
    expect(missed.length).toBe(st!.missed);
    expect(st!.due).toBe(st!.ran + st!.missed);
  });

  it('counts ticks a blocked event loop could not honour', async () => {
    const s = new Scheduler();
    s.add({ name: 'j', intervalMs: 10, run: async () => undefined });
    await sleep(15);
    const end = Date.now() + 60;
    while (Date.now() < end); // block the loop for 6 intervals
    await sleep(15);
    await s.stop(50);
    const [st] = s.stats();
    expect(st!.missed).toBeGreaterThanOrEqual(4);
    expect(st!.due).toBe(st!.ran + st!.missed);
  });

  it('waits for in-flight runs on stop, up to the grace period', async () => {
    const s = new Scheduler();
    let finished = false;
    s.add({ name: 'j', intervalMs: 1000, run: async () => { await sleep(50); finished = true; } });
    await sleep(5);
    expect(await s.stop(1000)).toEqual([]);
    expect(finished).toBe(true);
    const s2 = new Scheduler();
    s2.add({ name: 'stuck', intervalMs: 1000, run: async () => void (await sleep(500)) });
    await sleep(5);
    expect(await s2.stop(20)).toEqual(['stuck']);
  });
});
