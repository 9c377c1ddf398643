import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoClient } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { connect, closeQuietly } from '../store/connection.js';
import type { Endpoint } from './endpoints.js';

/**
 * Exact staleness. A marker the replica has not shown within the check's timeout proves it
 * stale, but "by at least the timeout" is only a bound. A long-lived process (the monitor)
 * keeps polling that marker in the background, across check runs, up to `stale_cap_ms`:
 * while it is unseen the replica is stale by exactly now − the marker's write time (nothing
 * written after it can be visible before it), and once it appears, the real delay is its
 * write → first-read time. Beyond the cap the answer is "≥ cap" and polling stops.
 * The marker stays on the primary until it has been seen (or given up on).
 */

export type Staleness =
  | { kind: 'stale'; writtenAt: number; staleMs: number; markerId: string }
  | { kind: 'caught_up'; writtenAt: number; delayMs: number; markerId: string }
  | { kind: 'beyond_cap'; writtenAt: number; capMs: number; markerId: string };

interface Watch {
  markerId: string;
  writtenAt: number;
  seenAt?: number;
  capped?: boolean;
  stop: AbortController;
}

/** Background polls no more often than this: the check's own poll interval is for sub-ms lag, not for minutes of staleness. */
const MIN_POLL_MS = 100;

export class StalenessWatch {
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly pollMs = 200) {}

  /**
   * Start watching a marker the replica did not show in time. The oldest unseen marker
   * is the one that tells how stale the replica is: a newer one is ignored while it runs.
   */
  watch(endpoint: Endpoint, config: PipelineConfig, markerId: string, writtenAt: number): void {
    const key = endpoint.uri;
    const cur = this.watches.get(key);
    // An older marker still unseen (even past the cap) is the one that says how stale the replica is.
    if (cur && cur.seenAt === undefined) return;
    cur?.stop.abort();
    const w: Watch = { markerId, writtenAt, stop: new AbortController() };
    this.watches.set(key, w);
    // Background polling: a poll that fails leaves the marker unseen, which the next check reports as stale.
    void this.poll(w, endpoint, config).catch(() => undefined);
  }

  /** Ids of markers the primary must keep: they are still being watched. */
  keptMarkers(): string[] {
    return [...this.watches.values()].filter((w) => w.seenAt === undefined && !w.capped).map((w) => w.markerId);
  }

  /** Where the watch of the replica stands now (undefined: not watched). */
  report(endpoint: Endpoint, capMs: number, now = Date.now()): Staleness | undefined {
    const w = this.watches.get(endpoint.uri);
    if (!w) return undefined;
    const base = { writtenAt: w.writtenAt, markerId: w.markerId };
    if (w.seenAt !== undefined) return { kind: 'caught_up', ...base, delayMs: w.seenAt - w.writtenAt };
    if (w.capped || now - w.writtenAt > capMs) {
      w.capped = true;
      w.stop.abort();
      return { kind: 'beyond_cap', ...base, capMs };
    }
    return { kind: 'stale', ...base, staleMs: now - w.writtenAt };
  }

  /** Forget the replica's watch once its outcome was reported (or the replica is current again). */
  clear(endpoint: Endpoint): void {
    this.watches.get(endpoint.uri)?.stop.abort();
    this.watches.delete(endpoint.uri);
  }

  /** Stop every background poll (the monitor is stopping). */
  close(): void {
    for (const w of this.watches.values()) w.stop.abort();
    this.watches.clear();
  }

  private async poll(w: Watch, endpoint: Endpoint, config: PipelineConfig): Promise<void> {
    const cfg = config.checks.replication;
    const interval = Math.max(MIN_POLL_MS, this.pollMs);
    let client: MongoClient | undefined;
    try {
      while (!w.stop.signal.aborted) {
        if (Date.now() - w.writtenAt > cfg.stale_cap_ms) {
          w.capped = true;
          return;
        }
        try {
          client ??= await connect(endpoint.uri, { timeoutMs: config.mongodb.timeout_ms, driver: config.mongodb.options as never, appName: 'proofline-staleness' });
          const seen = await client.db(config.mongodb.database).collection<{ _id: string }>(cfg.marker_collection).findOne({ _id: w.markerId }, { projection: { _id: 1 } });
          if (seen) {
            w.seenAt = Date.now();
            return;
          }
        } catch {
          // The replica may be down for a while: keep trying until the cap.
        }
        await sleep(interval, undefined, { signal: w.stop.signal }).catch(() => undefined);
      }
    } finally {
      await closeQuietly(client);
    }
  }
}
