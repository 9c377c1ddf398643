import { createHash } from 'node:crypto';
import type { Db, Document } from 'mongodb';
import { boundedJson } from '../common/bounded-json.js';
import type { Logger } from '../common/logger.js';
import { ErrorCode, ProoflineError } from '../errors.js';
import { contentHash } from '../model/content-hash.js';
import { getPath, keyId } from '../model/primary-key.js';
import { checkShape, checkSize } from '../model/record-limits.js';
import { toJsonView } from '../model/schema.js';
import type { AirbyteRecordMessage } from '../protocol/messages.js';
import { insertBatch, upsertBatch, type BatchOutcome } from '../store/batch-write.js';
import { AdaptiveUpsert } from '../store/adaptive-upsert.js';
import type { GenerationDiff } from '../store/generation-diff.js';
import { noRetry, type DbRetry } from '../store/db-retry.js';
import { locationOf, writeRejects, type Failure, type Reject } from '../store/rejects.js';
import type { MapOutcome } from '../transform/mapper.js';
import { InRunDuplicates } from './in-run-duplicates.js';
import { describeFinding, DriftTracker, sourceFields } from './schema-drift.js';
import { emptyCounts, type StreamCounts } from '../store/stream-counts.js';
import type { StreamTarget } from './stream-target.js';

/**
 * One stream of one run: guard → map → validate → batch → write. Every record read ends
 * in exactly one counter (read = inserted + updated + unchanged + duplicate + rejected), each counted
 * from what the server acknowledged; a record that breaks the server's limits, fails
 * mapping, the schema, its primary key or the server's own checks goes to the quarantine
 * with its location, raw data and every failure.
 */

export interface SinkContext {
  db: Db;
  runId: string;
  ingestedAt: Date;
  logger: Logger;
  /** Collection the documents go to (the overwrite temp collection, or the target). */
  writeCollection: string;
  /** Retries of transient database errors, within the run's budget. */
  retry?: DbRetry;
  /**
   * Part of every unkeyed `_id` (see appendId): '' for incremental append, the copy id
   * for full_refresh append (one id per complete copy, kept by a resumed run).
   */
  appendGeneration?: string;
  /** Overwrite without a one-rename swap: the stored generation; what equals it is not written. */
  overwriteDiff?: GenerationDiff;
  /** Hash of the saved state the source resumes from (positions of sources without a file row count from it). */
  initialStateHash?: string;
  /** Test hook: pause after each flush so a test can kill the process between batches. */
  flushDelayMs?: number;
}

/** Batches being written while the next one is prepared. */
const MAX_INFLIGHT = 2;

interface Pending {
  doc: Document;
  raw: AirbyteRecordMessage['data'];
  /** Replaces a record of this run already written in an earlier batch (counted as its duplicate). */
  supersedes?: boolean;
}

/** A short stable hash of a state body: the position of records that have no file row. */
export const stateHash = (state: unknown): string => (state === undefined || state === null ? 'start' : boundedJson(state, 0).sha256.slice(0, 16));

export class StreamSink {
  readonly counts: StreamCounts = emptyCounts();
  private pending: Pending[] = [];
  private rejects: Reject[] = [];
  private readonly inflight: Promise<void>[] = [];
  private readonly keyed: boolean;
  private readonly duplicates = new InRunDuplicates();
  /** Drift of this run against the stream's expected columns (absent when it declares none). */
  readonly drift: DriftTracker | undefined;
  /** Index in `pending` of each key buffered in the current batch. */
  private pendingByKey = new Map<string, number>();
  private readonly retry: DbRetry;
  private stateWindow: string;
  private sinceState = 0;
  private readonly upserts = new AdaptiveUpsert();

  constructor(
    readonly target: StreamTarget,
    private readonly ctx: SinkContext,
  ) {
    this.keyed = Boolean(target.primaryKey) && target.destinationSyncMode !== 'append';
    this.retry = ctx.retry ?? noRetry;
    this.drift = target.drift ? new DriftTracker(target.drift.expected, target.drift.policy) : undefined;
    this.stateWindow = ctx.initialStateHash ?? 'start';
  }

  get bufferedCount(): number {
    return this.pending.length + this.rejects.length;
  }

  /** A STATE for this stream was committed: positions of records without a file row now count from it. */
  stateCommitted(state: unknown): void {
    this.stateWindow = stateHash(state);
    this.sinceState = 0;
  }

  private reject(raw: AirbyteRecordMessage['data'], failures: Failure[]): boolean {
    this.counts.rejected += 1;
    for (const rule of new Set(failures.map((f) => f.rule))) this.counts.rejectedByKind[rule] = (this.counts.rejectedByKind[rule] ?? 0) + 1;
    this.rejects.push({ stream: this.target.name, location: locationOf(raw), record: raw, failures });
    return this.bufferedCount >= this.target.batchSize;
  }

  /**
   * The `_id` of an unkeyed record: a hash of the stream, the copy generation, its source
   * position (file or URL and row; else the state it follows and its index since that
   * state) and its content. A record re-read after a crash gets the same `_id`, so it
   * cannot be stored twice; two equal records at two positions stay two documents; a
   * record whose content changed at the same position is a new document, never dropped.
   */
  private appendId(raw: AirbyteRecordMessage['data'], doc: Document, sinceState: string): string {
    const where = locationOf(raw);
    const position = where.file !== undefined || where.url !== undefined ? JSON.stringify(where) : sinceState;
    return createHash('sha256')
      .update(`${this.target.name}\u0001${this.ctx.appendGeneration ?? ''}\u0001${position}\u0001${contentHash(doc)}`)
      .digest('base64url')
      .slice(0, 32);
  }

  /** Take one record; true when the batch is full and the caller should flush. */
  add(record: AirbyteRecordMessage): boolean | Promise<boolean> {
    this.counts.read += 1;
    this.sinceState += 1;
    const raw = record.data;
    // First, what no later step may see: too deep (recursive code would overflow) or unrepresentable.
    const shape = checkShape(raw);
    if (shape.length) return this.reject(raw, shape);
    const drifted = this.drift?.observe(raw) ?? [];
    if (drifted.length && this.drift!.policy === 'quarantine') {
      return this.reject(
        raw,
        drifted.map((f) => ({ field: f.field, rule: 'drift', value: f.kind === 'missing' ? null : (sourceFields(raw)?.[f.field] ?? null), message: describeFinding(f) })),
      );
    }
    // Taken now: the mapping may finish later (an async mapper), the position must not move.
    const sinceState = `state:${this.stateWindow}:${this.sinceState}`;
    const outcome = this.target.mapper.map(raw, { runId: this.ctx.runId, stream: this.target.name, ingestedAt: this.ctx.ingestedAt });
    return outcome instanceof Promise ? outcome.then((o) => this.accept(raw, o, sinceState)) : this.accept(raw, outcome, sinceState);
  }

  private accept(raw: AirbyteRecordMessage['data'], outcome: MapOutcome, sinceState: string): boolean {
    if (!outcome.ok) return this.reject(raw, outcome.failures);
    const doc: Document = outcome.doc;
    const mappedShape = checkShape(doc);
    if (mappedShape.length) return this.reject(raw, mappedShape);
    const failures = this.target.validator ? this.target.validator(toJsonView(doc)) : [];
    if (failures.length) return this.reject(raw, failures);
    const keyed = this.keyed;
    if (keyed) {
      const key = keyId(doc, this.target.primaryKey!);
      if ('missing' in key) {
        return this.reject(
          raw,
          key.missing.map((f) => ({ field: f, rule: 'primary_key', value: null, message: `${f} is part of the primary key and is missing` })),
        );
      }
      doc._id = key.id;
    } else {
      doc._id = this.appendId(raw, doc, sinceState);
    }
    // The run id is what the overwrite swap keeps and what tells a retried write from an
    // earlier run's; the hash is what tells unchanged from updated, so only keyed writes pay for it.
    const lineage = (doc._proofline && typeof doc._proofline === 'object' ? doc._proofline : {}) as Document;
    doc._proofline = keyed ? { ...lineage, run_id: this.ctx.runId, content_hash: contentHash(doc) } : { ...lineage, run_id: this.ctx.runId };
    const tooLarge = checkSize(doc);
    if (tooLarge) return this.reject(raw, [tooLarge]);
    if (keyed) this.keep(doc, raw);
    else this.pending.push({ doc, raw });
    return this.bufferedCount >= this.target.batchSize;
  }

  /** A keyed document, after in-run duplicate resolution: one document per key and batch. */
  private keep(doc: Document, raw: AirbyteRecordMessage['data']): void {
    const id = doc._id as string;
    const verdict = this.duplicates.judge(id, this.target.cursorField ? getPath(doc, this.target.cursorField) : undefined);
    if (verdict === 'first') {
      this.pendingByKey.set(id, this.pending.push({ doc, raw }) - 1);
      return;
    }
    this.counts.duplicate += 1;
    if (verdict === 'loses') return;
    const at = this.pendingByKey.get(id);
    if (at !== undefined) this.pending[at] = { doc, raw, ...(this.pending[at]!.supersedes ? { supersedes: true } : {}) };
    else this.pendingByKey.set(id, this.pending.push({ doc, raw, supersedes: true }) - 1);
  }

  /**
   * Hand the buffered documents and rejects to the writer, which overlaps the server's work
   * with the mapping and validation of the next batch. Keyed writes (append_dedup,
   * overwrite) are chained: a batch is written only after the previous one was
   * acknowledged, so it classifies against what is really stored. Plain inserts keep up to
   * MAX_INFLIGHT batches in flight. Memory stays bounded by (MAX_INFLIGHT + 1) batches.
   */
  async flush(): Promise<void> {
    const batch = this.pending;
    const rejects = this.rejects;
    this.pending = [];
    this.rejects = [];
    this.pendingByKey = new Map();
    const chained = this.keyed && this.inflight.length > 0 ? this.inflight[this.inflight.length - 1] : undefined;
    const p = (async () => {
      await chained;
      await this.write(batch, rejects);
    })();
    // Marked handled here; the error still reaches whoever awaits it next (flush or drain).
    p.catch(() => undefined);
    this.inflight.push(p);
    while (this.inflight.length > MAX_INFLIGHT) await this.inflight.shift();
  }

  /** Resolves once everything handed to flush() is acknowledged by the server. */
  async drain(): Promise<void> {
    if (this.bufferedCount) await this.flush();
    while (this.inflight.length) await this.inflight.shift();
  }

  /** After drain: every record read is accounted for by an acknowledged count, or the run fails loudly. */
  assertBalanced(): void {
    const c = this.counts;
    const accounted = c.inserted + c.updated + c.unchanged + c.duplicate + c.rejected;
    if (c.read !== accounted) {
      throw new ProoflineError(
        ErrorCode.WRITE_UNVERIFIED,
        `stream ${this.target.name}: read ${c.read} but the server acknowledged ${accounted} (inserted ${c.inserted}, updated ${c.updated}, unchanged ${c.unchanged}, duplicate ${c.duplicate}, rejected ${c.rejected})`,
      );
    }
  }

  private async write(batch: Pending[], rejects: Reject[]): Promise<void> {
    // A record replacing one this run already wrote was counted `duplicate` when read: its
    // write outcome is not counted again (the key's own outcome was counted with the first).
    const fresh = batch.filter((p) => !p.supersedes);
    const superseding = batch.filter((p) => p.supersedes);
    if (fresh.length && this.ctx.overwriteDiff) await this.writeDifferences(fresh, rejects, this.ctx.overwriteDiff);
    else if (fresh.length) {
      const r = await this.writeDocs(fresh, rejects, false);
      this.counts.inserted += r.inserted;
      this.counts.updated += r.updated;
      this.counts.unchanged += r.unchanged;
    }
    if (superseding.length) {
      const r = await this.writeDocs(superseding, rejects, true);
      this.counts.duplicate -= r.failed.length;
    }
    const quarantined = await writeRejects(this.ctx.db, this.target.collection, this.ctx.runId, rejects, this.retry);
    if (quarantined !== rejects.length) throw new ProoflineError(ErrorCode.WRITE_UNVERIFIED, `stream ${this.target.name}: ${rejects.length} reject(s), ${quarantined} quarantined`);
    if (this.ctx.flushDelayMs && batch.length + rejects.length > 0) await new Promise((r) => setTimeout(r, this.ctx.flushDelayMs));
  }

  /**
   * Overwrite against the stored generation: records equal to their stored version are
   * counted unchanged and not written; the new and the changed go to the temporary
   * collection, counted inserted and updated once the server stored them there.
   */
  private async writeDifferences(fresh: Pending[], rejects: Reject[], diff: GenerationDiff): Promise<void> {
    const verdicts = diff.classify(fresh.map((p) => p.doc));
    const differing = fresh.filter((_, i) => verdicts[i] !== 'unchanged');
    const wasChanged = verdicts.filter((v) => v !== 'unchanged').map((v) => v === 'changed');
    this.counts.unchanged += fresh.length - differing.length;
    const r = await this.writeDocs(differing, rejects, false);
    const refused = new Set(r.failed.map((f) => f.index));
    for (const i of refused) diff.refused(differing[i]!.doc);
    const storedChanged = wasChanged.filter((c, i) => c && !refused.has(i)).length;
    this.counts.updated += storedChanged;
    this.counts.inserted += r.inserted + r.updated + r.unchanged - storedChanged;
  }

  /** One verified bulk write; documents the server refused are counted rejected and quarantined. */
  private async writeDocs(batch: Pending[], rejects: Reject[], superseding: boolean): Promise<BatchOutcome> {
    const coll = this.ctx.db.collection(this.ctx.writeCollection);
    const docs = batch.map((p) => p.doc);
    const wctx = { runId: this.ctx.runId, retry: this.retry };
    let r: BatchOutcome;
    if (!this.keyed) r = await insertBatch(coll, docs, wctx);
    // Their keys are stored by this run already: read first, and leave the fresh batches' choice alone.
    else if (superseding) r = await upsertBatch(coll, docs, this.target.cursorField, wctx);
    else r = await this.upserts.write(coll, docs, this.target.cursorField, wctx);
    for (const f of r.failed) {
      const p = batch[f.index];
      if (!p) continue;
      const failure = { field: '(document)', rule: 'server_rejected', value: null, message: `${f.message}${f.code !== undefined ? ` (code ${f.code})` : ''}` };
      this.counts.rejected += 1;
      this.counts.rejectedByKind.server_rejected = (this.counts.rejectedByKind.server_rejected ?? 0) + 1;
      rejects.push({ stream: this.target.name, location: locationOf(p.raw), record: p.raw, failures: [failure] });
    }
    return r;
  }
}
