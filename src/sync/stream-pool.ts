/**
 * Runs the streams of one run with at most `concurrency` at a time, never two that write
 * to the same collection at once (their overwrites, upserts and counts would interleave).
 * Results come back in the configured order, whatever order streams finish in.
 */

export interface PoolItem {
  /** Items with the same key never run at the same time. */
  key: string;
}

export async function runPool<T extends PoolItem, R>(items: T[], concurrency: number, run: (item: T) => Promise<{ result: R; stop: boolean }>, shouldStop: () => boolean): Promise<R[]> {
  const results: Array<R | undefined> = new Array<R | undefined>(items.length);
  const pending = items.map((item, index) => ({ item, index }));
  const busy = new Set<string>();
  let stopped = false;
  const running = new Set<Promise<void>>();
  const limit = Math.max(1, concurrency);

  const startNext = (): boolean => {
    const at = pending.findIndex((p) => !busy.has(p.item.key));
    if (at < 0) return false;
    const { item, index } = pending.splice(at, 1)[0]!;
    busy.add(item.key);
    const p: Promise<void> = run(item)
      .then((r) => {
        results[index] = r.result;
        if (r.stop) stopped = true;
      })
      .finally(() => {
        busy.delete(item.key);
        running.delete(p);
      });
    running.add(p);
    return true;
  };

  for (;;) {
    while (!stopped && !shouldStop() && running.size < limit && startNext());
    if (!running.size) break;
    await Promise.race(running);
  }
  return results.filter((r): r is R => r !== undefined);
}
