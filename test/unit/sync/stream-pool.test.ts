import { describe, expect, it } from 'vitest';
import { runPool } from '../../../src/sync/stream-pool.js';

/** The stream pool, driven by hand: each job finishes only when the test says so. */

interface Job {
  key: string;
  name: string;
}

function harness(): { run: (j: Job) => Promise<{ result: string; stop: boolean }>; running: Set<string>; maxRunning: () => number; finish: (name: string, stop?: boolean) => Promise<void>; started: string[] } {
  const waiting = new Map<string, (stop: boolean) => void>();
  const running = new Set<string>();
  const started: string[] = [];
  let max = 0;
  return {
    running,
    started,
    maxRunning: () => max,
    run: (j) => {
      running.add(j.name);
      started.push(j.name);
      max = Math.max(max, running.size);
      return new Promise((resolve) =>
        waiting.set(j.name, (stop) => {
          running.delete(j.name);
          resolve({ result: `done ${j.name}`, stop });
        }),
      );
    },
    finish: async (name, stop = false) => {
      // Let the pool start what it will before releasing a job.
      await new Promise((r) => setImmediate(r));
      const f = waiting.get(name);
      if (!f) throw new Error(`${name} is not running (running: ${[...running].join(', ')})`);
      waiting.delete(name);
      f(stop);
      await new Promise((r) => setImmediate(r));
    },
  };
}

const jobs: Job[] = [
  { key: 'hourly', name: 'a' },
  { key: 'hourly', name: 'b' },
  { key: 'stations', name: 'c' },
  { key: 'other', name: 'd' },
];

describe('runPool', () => {
  it('runs up to N at once, never two with the same key, and returns results in the given order', async () => {
    const h = harness();
    const done = runPool(jobs, 2, h.run, () => false);
    await h.finish('c'); // a and c started (b shares a's key); c done → d starts
    expect(h.started).toEqual(['a', 'c', 'd']);
    await h.finish('a'); // → b starts
    expect(h.started).toEqual(['a', 'c', 'd', 'b']);
    await h.finish('d');
    await h.finish('b');
    expect(await done).toEqual(['done a', 'done b', 'done c', 'done d']);
    expect(h.maxRunning()).toBe(2);
  });

  it('with concurrency 1 runs one after the other, in order', async () => {
    const h = harness();
    const done = runPool(jobs, 1, h.run, () => false);
    for (const name of ['a', 'b', 'c', 'd']) await h.finish(name);
    expect(h.started).toEqual(['a', 'b', 'c', 'd']);
    expect(h.maxRunning()).toBe(1);
    expect(await done).toHaveLength(4);
  });

  it('starts nothing new once a job asks to stop, and lets the running ones finish', async () => {
    const h = harness();
    const done = runPool(jobs, 3, h.run, () => false);
    await h.finish('a', true);
    await h.finish('c');
    await h.finish('d');
    expect(h.started).toEqual(['a', 'c', 'd']);
    expect(await done).toEqual(['done a', 'done c', 'done d']);
  });
});
