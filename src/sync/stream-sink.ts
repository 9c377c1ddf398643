import type { Db, Document } from 'mongodb';
import type { Logger } from '../common/logger.js';
import { contentHash } from '../model/content-hash.js';
import { keyId } from '../model/primary-key.js';
import { toJsonView } from '../model/schema.js';
import type { AirbyteRecordMessage } from '../protocol/messages.js';
import { insertBatch, upsertBatch, type BatchOutcome } from '../store/batch-write.js';
import { locationOf, writeRejects, type Failure, type Reject } from '../store/rejects.js';
import { emptyCounts, type StreamCounts, type StreamTarget } from './stream-target.js';

/**
 * One stream of one run: map → validate → batch → write. Every record read ends in
 * exactly one counter (read = inserted + updated + unchanged + rejected); a record that
 * fails mapping, the schema, its primary key or the server's own checks goes to the
 * quarantine with its location, raw data and every failure.
 */

export interface SinkContext {
  db: Db;
  runId: string;
  ingestedAt: Date;
  logger: Logger;
  /** Collection the documents go to (the overwrite temp collection, or the target). */
  writeCollection: string;
  /** Test hook: pause after each flush so a test can kill the process between batches. */
  flushDelayMs?: number;
}

interface Pending {
  doc: Document;
  raw: AirbyteRecordMessage['data'];
}

export class StreamSink {
  readonly counts: StreamCounts = emptyCounts();
  private pending: Pending[] = [];
  private rejects: Reject[] = [];

  constructor(
    readonly target: StreamTarget,
    private readonly ctx: SinkContext,
  ) {}

  get bufferedCount(): number {
    return this.pending.length + this.rejects.length;
  }

  private reject(raw: AirbyteRecordMessage['data'], failures: Failure[]): void {
    this.counts.rejected += 1;
    for (const rule of new Set(failures.map((f) => f.rule))) this.counts.rejectedByKind[rule] = (this.counts.rejectedByKind[rule] ?? 0) + 1;
    this.rejects.push({ stream: this.target.name, location: locationOf(raw), record: raw, failures });
  }

  /** Take one record; true when the batch is full and the caller should flush. */
  add(record: AirbyteRecordMessage): boolean {
    this.counts.read += 1;
    const raw = record.data;
    const outcome = this.target.mapper.map(raw, { runId: this.ctx.runId, stream: this.target.name, ingestedAt: this.ctx.ingestedAt });
    if (!outcome.ok) {
      this.reject(raw, outcome.failures);
      return this.bufferedCount >= this.target.batchSize;
    }
    const doc: Document = outcome.doc;
    const failures = this.target.validator ? this.target.validator(toJsonView(doc)) : [];
    if (failures.length) {
      this.reject(raw, failures);
      return this.bufferedCount >= this.target.batchSize;
    }
    if (this.target.primaryKey && this.target.destinationSyncMode !== 'append') {
      const key = keyId(doc, this.target.primaryKey);
      if ('missing' in key) {
        this.reject(
          raw,
          key.missing.map((f) => ({ field: f, rule: 'primary_key', value: null, message: `${f} is part of the primary key and is missing` })),
        );
        return this.bufferedCount >= this.target.batchSize;
      }
      doc._id = key.id;
    }
    // The run id is what the overwrite swap keeps; the hash is what tells unchanged from updated.
    const lineage = (doc._proofline && typeof doc._proofline === 'object' ? doc._proofline : {}) as Document;
    doc._proofline = { ...lineage, run_id: this.ctx.runId, content_hash: contentHash(doc) };
    this.pending.push({ doc, raw });
    return this.bufferedCount >= this.target.batchSize;
  }

  /** Write the buffered documents and rejects; resolves once the server acknowledged both. */
  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length) {
      const coll = this.ctx.db.collection(this.ctx.writeCollection);
      const docs = batch.map((p) => p.doc);
      const keyed = Boolean(this.target.primaryKey) && this.target.destinationSyncMode !== 'append';
      const r: BatchOutcome = keyed ? await upsertBatch(coll, docs, this.target.cursorField) : await insertBatch(coll, docs);
      this.counts.inserted += r.inserted;
      this.counts.updated += r.updated;
      this.counts.unchanged += r.unchanged;
      for (const f of r.failed) {
        const p = batch[f.index];
        if (p) this.reject(p.raw, [{ field: '(document)', rule: 'server_rejected', value: null, message: `${f.message}${f.code !== undefined ? ` (code ${f.code})` : ''}` }]);
      }
    }
    const rejects = this.rejects;
    this.rejects = [];
    await writeRejects(this.ctx.db, this.target.collection, this.ctx.runId, rejects);
    if (this.ctx.flushDelayMs && batch.length + rejects.length > 0) await new Promise((r) => setTimeout(r, this.ctx.flushDelayMs));
  }
}
