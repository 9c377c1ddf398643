import type { Collection, Db, Document } from 'mongodb';
import { errorMessage } from '../errors.js';
import { logger } from '../common/logger.js';
import { redactText } from '../common/redact.js';
import type { CheckDigest } from './digest.js';
import { RUNS_COLLECTION } from '../store/run-store.js';

/**
 * Check history kept in the pipeline's database, so a restarted monitor still charts
 * the past. Retention is a TTL index where the server has them; where it does not
 * (FerretDB v1: "expireAfterSeconds is not implemented"), the monitor deletes expired
 * entries itself after each write, which any MongoDB-compatible server can do.
 */


export interface HistoryEntry extends CheckDigest {
  kind: 'check';
  at: Date;
}

export interface SyncHistoryEntry {
  kind: 'sync';
  at: Date;
  sync: string;
  status: string;
  startedAt: string;
  finishedAt?: string;
  error?: string;
  streams: Record<string, unknown>[];
}

export type RetentionMode = 'ttl-index' | 'pruned-by-monitor';

/** The most entries one API call may ask for (api.ts LIMIT_MAX); the window keeps that many per key. */
const WINDOW = 1000;
/** Runs are written by other processes too: re-read at most this often, however many clients ask. */
const RUNS_FRESH_MS = 2_000;

/**
 * The newest entries of one query, loaded from the database once, then kept current by
 * this process's own writes. Fifty dashboards asking at once cost one read, not fifty,
 * so they cannot delay /metrics or the probes.
 */
class Window<T extends { at: Date }> {
  private entries: T[] | undefined;
  private loading: Promise<T[]> | undefined;

  constructor(private readonly load: () => Promise<T[]>) {}

  async read(limit: number, notBefore: number): Promise<T[]> {
    if (!this.entries) {
      this.loading ??= this.load().finally(() => (this.loading = undefined));
      this.entries = await this.loading;
    }
    return this.entries.filter((e) => e.at.getTime() >= notBefore).slice(0, limit);
  }

  /** A write of this process: newest first, bounded. Before the first load it is in the database already. */
  add(entry: T): void {
    if (!this.entries) return;
    this.entries.unshift(entry);
    if (this.entries.length > WINDOW) this.entries.length = WINDOW;
  }
}

export class HistoryStore {
  private readonly coll: Collection<Document>;
  retention: RetentionMode = 'pruned-by-monitor';

  private readonly checkWindows = new Map<string, Window<HistoryEntry>>();
  private readonly syncWindow: Window<SyncHistoryEntry>;
  private runsCache: { at: number; docs: Promise<Document[]> } | undefined;

  constructor(
    private readonly db: Db,
    collection: string,
    private readonly retentionMs: number,
  ) {
    this.coll = db.collection(collection);
    this.syncWindow = new Window(async () => (await this.coll.find({ kind: { $eq: 'sync' } }, { projection: { _id: 0 } }).sort({ at: -1 }).limit(WINDOW).toArray()) as unknown as SyncHistoryEntry[]);
  }

  /** '' is the window of every check. */
  private checkWindow(check: string | undefined): Window<HistoryEntry> {
    const key = check ?? '';
    let w = this.checkWindows.get(key);
    if (!w) {
      const filter: Document = { kind: { $eq: 'check' } };
      if (check !== undefined) filter.check = { $eq: check };
      w = new Window(async () => (await this.coll.find(filter, { projection: { _id: 0 } }).sort({ at: -1 }).limit(WINDOW).toArray()) as unknown as HistoryEntry[]);
      this.checkWindows.set(key, w);
    }
    return w;
  }

  async init(): Promise<void> {
    await this.coll.createIndex({ kind: 1, check: 1, at: -1 }).catch((e: unknown) => logger().warn({ err: errorMessage(e) }, 'history: index not created'));
    try {
      await this.coll.createIndex({ at: 1 }, { expireAfterSeconds: Math.ceil(this.retentionMs / 1000), name: 'proofline_ttl' });
      this.retention = 'ttl-index';
    } catch (e) {
      this.retention = 'pruned-by-monitor';
      logger().info({ reason: redactText(errorMessage(e)) }, 'history: no TTL index on this server, the monitor prunes expired entries itself');
    }
  }

  async recordCheck(d: CheckDigest, at = new Date()): Promise<void> {
    const entry: HistoryEntry = { kind: 'check', at, ...d };
    // insertOne adds _id to the object it is given: the window keeps its own copy without it.
    await this.coll.insertOne({ ...entry });
    this.checkWindow(undefined).add(entry);
    this.checkWindow(d.check).add(entry);
    await this.prune();
  }

  async recordSync(entry: Omit<SyncHistoryEntry, 'kind' | 'at'>, at = new Date()): Promise<void> {
    const doc: SyncHistoryEntry = { kind: 'sync', at, ...entry };
    await this.coll.insertOne({ ...doc });
    this.syncWindow.add(doc);
  }

  private async prune(): Promise<void> {
    if (this.retention === 'ttl-index') return;
    await this.coll.deleteMany({ at: { $lt: new Date(Date.now() - this.retentionMs) } });
  }

  /** Newest first. `check` arrives validated against the check names; `$eq` keeps it a value. */
  async checks(check: string | undefined, limit: number): Promise<HistoryEntry[]> {
    return this.checkWindow(check).read(limit, Date.now() - this.retentionMs);
  }

  async syncs(limit: number): Promise<SyncHistoryEntry[]> {
    return this.syncWindow.read(limit, Date.now() - this.retentionMs);
  }

  /** Sync runs recorded by the sync engine (any process: CLI, monitor, Airbyte destination). */
  async runs(limit: number): Promise<Document[]> {
    const now = Date.now();
    if (!this.runsCache || now - this.runsCache.at > RUNS_FRESH_MS) {
      const docs = this.db.collection(RUNS_COLLECTION).find({}, { projection: { _id: 0 } }).sort({ startedAt: -1 }).limit(WINDOW).toArray();
      // A failed read is not cached: the next request tries again.
      docs.catch(() => (this.runsCache = undefined));
      this.runsCache = { at: now, docs };
    }
    return (await this.runsCache.docs).slice(0, limit);
  }
}
