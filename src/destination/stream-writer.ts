import { isDeepStrictEqual } from 'node:util';
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Db, type Document } from 'mongodb';
import type { Logger } from '../common/logger.js';
import { toJsonView, type DocValidator } from '../checks/schema-validator.js';
import type { AirbyteRecordMessage, ConfiguredAirbyteStream, JsonObject } from '../protocol/messages.js';
import type { FieldFailure, Mapper } from '../transform/mapper.js';
import { safeKeys } from './safe-keys.js';
import { typeDocument } from './typed-document.js';

/**
 * One stream of a destination `write`: map → validate → batch → write, with the stream's
 * destination sync mode, and every record accounted for (`read = inserted + updated +
 * unchanged + rejected`). Rejected records go to `<collection>_quarantine` with reasons.
 *
 * - append: inserts.
 * - append_dedup: `_id` is the primary key; the newest record by cursor wins, an older or
 *   identical one counts as unchanged. Decided against the stored documents of the batch
 *   (one `find` per flush), in arrival order, so duplicates inside a batch count as a
 *   sequential writer would count them.
 * - overwrite: loads into a temporary collection, renamed over the target at the end
 *   (readers see the old content until then, never an empty collection).
 */

export interface StreamTarget {
  configured: ConfiguredAirbyteStream;
  collection: string;
  mapper: Mapper;
  validator?: DocValidator;
  /** Timestamp fields of the stream schema (typed documents, when there is no target schema). */
  timestampPaths?: string[][];
}

export interface StreamCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  reasons: Record<string, number>;
}

export interface WriterContext {
  db: Db;
  runId: string;
  ingestedAt: Date;
  batchSize: number;
  logger: Logger;
}

interface Pending {
  id?: unknown;
  doc: Document;
}

const META_KEYS = new Set(['_id', '_proofline', '_airbyte_extracted_at', '_airbyte_raw_id']);

function getPath(doc: unknown, path: string[]): unknown {
  let cur: unknown = doc;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function compare(a: unknown, b: unknown): number {
  const va = a instanceof Date ? a.getTime() : a;
  const vb = b instanceof Date ? b.getTime() : b;
  if (typeof va === 'number' && typeof vb === 'number') return va - vb;
  return String(va) < String(vb) ? -1 : String(va) > String(vb) ? 1 : 0;
}

function content(doc: Document): Document {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !META_KEYS.has(k)));
}

export class StreamWriter {
  readonly counts: StreamCounts = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, reasons: {} };
  private pending: Pending[] = [];
  private quarantine: Document[] = [];
  private readonly target: Collection;
  private tempName: string | undefined;
  readonly mode: ConfiguredAirbyteStream['destination_sync_mode'];

  constructor(
    private readonly t: StreamTarget,
    private readonly ctx: WriterContext,
  ) {
    this.mode = t.configured.destination_sync_mode;
    this.target = ctx.db.collection(t.collection);
  }

  get name(): string {
    return this.t.configured.stream.name;
  }

  get pendingCount(): number {
    return this.pending.length + this.quarantine.length;
  }

  /** Overwrite loads into a fresh temporary collection. */
  async start(): Promise<void> {
    if (this.mode !== 'overwrite') return;
    this.tempName = `${this.t.collection}__proofline_tmp_${this.ctx.runId}`.slice(0, 120);
    await this.ctx.db.collection(this.tempName).drop().catch(() => undefined);
    await this.ctx.db.createCollection(this.tempName);
  }

  private writeTarget(): Collection {
    return this.tempName ? this.ctx.db.collection(this.tempName) : this.target;
  }

  reject(data: JsonObject, failures: FieldFailure[] | Array<{ field: string; rule: string; value?: unknown; message: string }>): void {
    this.counts.rejected += 1;
    for (const f of failures) this.counts.reasons[f.rule] = (this.counts.reasons[f.rule] ?? 0) + 1;
    this.quarantine.push({ stream: this.name, run_id: this.ctx.runId, rejected_at: new Date(), reasons: safeKeys(failures), data: safeKeys(data) });
  }

  /** Map and validate one record; true when the batch is full and should be flushed. */
  add(record: AirbyteRecordMessage): boolean {
    this.counts.read += 1;
    const typed = this.t.timestampPaths ? typeDocument(record.data, this.t.timestampPaths) : record.data;
    const outcome = this.t.mapper.map(typed, { runId: this.ctx.runId, stream: this.name, ingestedAt: this.ctx.ingestedAt });
    if (!outcome.ok) {
      this.reject(record.data, outcome.failures);
      return this.pendingCount >= this.ctx.batchSize;
    }
    // Typed documents keep the source's field names, made storable; mapped ones are schema-checked.
    const doc: Document = this.t.validator ? outcome.doc : safeKeys(outcome.doc);
    if (this.t.validator) {
      const failures = this.t.validator(toJsonView(doc));
      if (failures.length) {
        this.reject(record.data, failures);
        return this.pendingCount >= this.ctx.batchSize;
      }
    } else {
      doc._airbyte_extracted_at = new Date(record.emitted_at);
    }
    let id: unknown;
    if (this.mode === 'append_dedup') {
      const pk = this.t.configured.primary_key ?? [];
      const parts = pk.map((p) => [p.join('.'), getPath(doc, p)] as const);
      const missing = parts.filter(([, v]) => v === undefined || v === null);
      if (pk.length === 0 || missing.length) {
        this.reject(record.data, [
          { field: missing.map(([k]) => k).join(',') || '(primary key)', rule: 'primary_key', value: null, message: pk.length ? 'primary key field missing' : 'append_dedup without a primary key' },
        ]);
        return this.pendingCount >= this.ctx.batchSize;
      }
      id = parts.length === 1 ? parts[0]![1] : Object.fromEntries(parts);
      doc._id = id;
    }
    this.pending.push({ id, doc });
    return this.pendingCount >= this.ctx.batchSize;
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    const quarantined = this.quarantine;
    this.pending = [];
    this.quarantine = [];
    if (batch.length) {
      if (this.mode === 'append_dedup') await this.upsert(batch);
      else await this.insert(batch);
    }
    if (quarantined.length) await this.ctx.db.collection(`${this.t.collection}_quarantine`).insertMany(quarantined, { ordered: false });
  }

  private async insert(batch: Pending[]): Promise<void> {
    try {
      const r = await this.writeTarget().insertMany(
        batch.map((p) => p.doc),
        { ordered: false },
      );
      this.counts.inserted += r.insertedCount;
    } catch (e) {
      if (!(e instanceof MongoBulkWriteError)) throw e;
      // Documents the server refused (its own validator, size): quarantined, not lost.
      this.counts.inserted += e.result.insertedCount;
      const failed = e.writeErrors instanceof Array ? e.writeErrors : [e.writeErrors];
      for (const w of failed) {
        const p = batch[w.index];
        if (p) this.reject(p.doc, [{ field: '(document)', rule: 'server_rejected', value: null, message: `${w.errmsg ?? 'write error'} (code ${w.code})` }]);
      }
      if (this.quarantine.length) {
        await this.ctx.db.collection(`${this.t.collection}_quarantine`).insertMany(this.quarantine, { ordered: false });
        this.quarantine = [];
      }
    }
  }

  private async upsert(batch: Pending[]): Promise<void> {
    const coll = this.writeTarget();
    const stored = new Map<string, Document>();
    const key = (id: unknown): string => JSON.stringify(id);
    const ids = [...new Map(batch.map((p) => [key(p.id), p.id])).values()];
    for (const d of await coll.find({ _id: { $in: ids } } as Document).toArray()) stored.set(key(d._id), d);
    const cursor = this.t.configured.cursor_field;
    const view = new Map<string, { doc: Document; existed: boolean; dirty: boolean }>();
    for (const [k, d] of stored) view.set(k, { doc: d, existed: true, dirty: false });
    for (const p of batch) {
      const k = key(p.id);
      const cur = view.get(k);
      if (!cur) {
        view.set(k, { doc: p.doc, existed: false, dirty: true });
        this.counts.inserted += 1;
        continue;
      }
      const older = cursor?.length && compare(getPath(p.doc, cursor), getPath(cur.doc, cursor)) < 0;
      if (older || isDeepStrictEqual(content(p.doc), content(cur.doc))) {
        this.counts.unchanged += 1;
        continue;
      }
      this.counts.updated += 1;
      view.set(k, { doc: p.doc, existed: cur.existed, dirty: true });
    }
    const ops: AnyBulkWriteOperation[] = [];
    for (const v of view.values()) {
      if (!v.dirty) continue;
      ops.push(v.existed ? { replaceOne: { filter: { _id: v.doc._id }, replacement: v.doc } } : { insertOne: { document: v.doc } });
    }
    if (ops.length) await coll.bulkWrite(ops, { ordered: false });
  }

  /** Flush what is left; overwrite swaps the loaded collection in. */
  async finish(): Promise<void> {
    await this.flush();
    if (!this.tempName) return;
    await this.swapIn(this.tempName);
    this.ctx.logger.info({ stream: this.name, collection: this.t.collection }, 'overwrite: loaded collection swapped in');
    this.tempName = undefined;
  }

  private async swapIn(temp: string): Promise<void> {
    try {
      await this.ctx.db.renameCollection(temp, this.t.collection, { dropTarget: true });
      return;
    } catch (e) {
      // FerretDB v1 answers NotImplemented (238) for dropTarget: asked, not guessed.
      if ((e as { code?: number }).code !== 238) throw e;
    }
    const exists = (await this.ctx.db.listCollections({ name: this.t.collection }, { nameOnly: true }).toArray()).length > 0;
    if (!exists) {
      await this.ctx.db.renameCollection(temp, this.t.collection);
      return;
    }
    const old = `${this.t.collection}__proofline_old_${this.ctx.runId}`.slice(0, 120);
    this.ctx.logger.warn(
      { stream: this.name, collection: this.t.collection },
      'renameCollection with dropTarget is not supported by this server: swapping with two renames (the collection is absent for the instant between them)',
    );
    await this.ctx.db.renameCollection(this.t.collection, old);
    await this.ctx.db.renameCollection(temp, this.t.collection);
    await this.ctx.db.collection(old).drop();
  }

  /** After a failure: the temporary collection of an unfinished overwrite is dropped. */
  async abort(): Promise<void> {
    if (this.tempName) await this.ctx.db.collection(this.tempName).drop().catch(() => undefined);
  }
}
