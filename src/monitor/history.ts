import type { Collection, Db, Document } from 'mongodb';
import { errorMessage } from '../errors.js';
import { logger } from '../common/logger.js';
import { redactText } from '../common/redact.js';
import type { CheckDigest } from './digest.js';

/**
 * Check history kept in the pipeline's database, so a restarted monitor still charts
 * the past. Retention is a TTL index where the server has them; where it does not
 * (FerretDB v1: "expireAfterSeconds is not implemented"), the monitor deletes expired
 * entries itself after each write, which any MongoDB-compatible server can do.
 */

export const RUNS_COLLECTION = '_proofline_runs';

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

export class HistoryStore {
  private readonly coll: Collection<Document>;
  retention: RetentionMode = 'pruned-by-monitor';

  constructor(
    private readonly db: Db,
    collection: string,
    private readonly retentionMs: number,
  ) {
    this.coll = db.collection(collection);
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
    await this.coll.insertOne({ kind: 'check', at, ...d });
    await this.prune();
  }

  async recordSync(entry: Omit<SyncHistoryEntry, 'kind' | 'at'>, at = new Date()): Promise<void> {
    await this.coll.insertOne({ kind: 'sync', at, ...entry });
  }

  private async prune(): Promise<void> {
    if (this.retention === 'ttl-index') return;
    await this.coll.deleteMany({ at: { $lt: new Date(Date.now() - this.retentionMs) } });
  }

  /** Newest first. `check` arrives validated against the check names; `$eq` keeps it a value. */
  async checks(check: string | undefined, limit: number): Promise<HistoryEntry[]> {
    const filter: Document = { kind: { $eq: 'check' } };
    if (check !== undefined) filter.check = { $eq: check };
    const docs = await this.coll.find(filter, { projection: { _id: 0 } }).sort({ at: -1 }).limit(limit).toArray();
    return docs as unknown as HistoryEntry[];
  }

  async syncs(limit: number): Promise<SyncHistoryEntry[]> {
    const docs = await this.coll.find({ kind: { $eq: 'sync' } }, { projection: { _id: 0 } }).sort({ at: -1 }).limit(limit).toArray();
    return docs as unknown as SyncHistoryEntry[];
  }

  /** Sync runs recorded by the sync engine (any process: CLI, monitor, Airbyte destination). */
  async runs(limit: number): Promise<Document[]> {
    return this.db.collection(RUNS_COLLECTION).find({}, { projection: { _id: 0 } }).sort({ startedAt: -1 }).limit(limit).toArray();
  }
}
