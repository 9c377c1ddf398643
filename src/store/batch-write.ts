import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { serverMessage } from '../common/server-message.js';
import { ProoflineError } from '../errors.js';
import { compareCursor, getPath } from '../model/primary-key.js';
import { bulkWriteChunked, unverified, writeErrorsOf } from './bulk-chunks.js';
import { noRetry, type DbRetry } from './db-retry.js';
import { isDocumentRefusal } from './driver-errors.js';
import { findStoredByIds } from './keyed-lookup.js';

/**
 * The two write shapes of the engine: `insertBatch` (append, and overwrite without a key)
 * and `upsertBatch` (append_dedup, and overwrite with a key). Counts come from what the
 * server acknowledged, never from what was sent. Documents the server refuses come back
 * as `failed` with the server's reason (first sentence) so the caller quarantines them:
 * never lost. A batch refused as a whole (FerretDB refuses an insert holding one NUL
 * string with one error and no per-document errors) is split until the refused documents
 * are found, and the rest is written.
 *
 * Every document carries a deterministic `_id` and `_proofline.run_id`, which makes the
 * writes idempotent: a duplicate-key answer for a document this run already stored (a
 * retried or split batch) counts as inserted; for one an earlier run stored (a record
 * re-read after a crash), as unchanged.
 */

export interface WriteFailure {
  index: number;
  code: number | undefined;
  message: string;
}

export interface BatchOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  failed: WriteFailure[];
}

export interface WriteContext {
  runId: string;
  retry: DbRetry;
}

const RUN_PATH = '_proofline.run_id';
export const HASH_PATH = '_proofline.content_hash';
const DUPLICATE_KEY = 11000;

/**
 * What a document stored before this run means to the insert:
 * - `unchanged`: append, where the same `_id` is the same record at the same position;
 * - `conflict`: a keyed insert the lookup said was new, so another writer raced it;
 * - `existing`: a keyed insert tried first, so the caller classifies it against the stored version.
 */
export type ExistingMeans = 'unchanged' | 'conflict' | 'existing';

interface InsertState {
  out: BatchOutcome;
  existingMeans: ExistingMeans;
  /** Input indexes of documents stored before, when existingMeans is `existing`. */
  existing: number[];
}

/** Which of these `_id`s are stored now, with their run and content hash. */
async function storedVersions(coll: Collection, ids: unknown[], ctx: WriteContext): Promise<Map<string, Document>> {
  return ctx.retry('lookup', () => findStoredByIds(coll, ids as string[], { [RUN_PATH]: 1, [HASH_PATH]: 1 }));
}

/**
 * Settle documents the server says (or may have) stored. Stored by this run with the same
 * content: this run's own write (a retried or split batch) → inserted. Else what an earlier
 * version means (see ExistingMeans). Returns those not stored.
 */
async function settleStored(coll: Collection, docs: Document[], idx: number[], ctx: WriteContext, s: InsertState): Promise<{ docs: Document[]; idx: number[] }> {
  const stored = await storedVersions(
    coll,
    docs.map((d) => d._id),
    ctx,
  );
  const rest: { docs: Document[]; idx: number[] } = { docs: [], idx: [] };
  docs.forEach((d, i) => {
    const found = stored.get(String(d._id));
    if (!found) {
      rest.docs.push(d);
      rest.idx.push(idx[i]!);
    } else if (s.existingMeans === 'existing') s.existing.push(idx[i]!);
    else if (getPath(found, RUN_PATH) === ctx.runId && getPath(found, HASH_PATH) === getPath(d, HASH_PATH)) s.out.inserted += 1;
    else if (s.existingMeans === 'unchanged') s.out.unchanged += 1;
    else s.out.failed.push({ index: idx[i]!, code: DUPLICATE_KEY, message: `a document with _id ${String(d._id)} was written by another run meanwhile` });
  });
  return rest;
}

async function insertPart(coll: Collection, docs: Document[], idx: number[], ctx: WriteContext, s: InsertState): Promise<void> {
  try {
    const r = await ctx.retry('insert', () => coll.insertMany(docs, { ordered: false }));
    if (r.insertedCount !== docs.length) throw unverified(`insert into ${coll.collectionName}`, docs.length, r.insertedCount);
    s.out.inserted += docs.length;
    return;
  } catch (e) {
    if (e instanceof ProoflineError || !isDocumentRefusal(e)) throw e;
    const errors = writeErrorsOf(e);
    const acked = e instanceof MongoBulkWriteError ? e.result.insertedCount : 0;
    if (errors.length && acked + errors.length === docs.length) {
      s.out.inserted += acked;
      const dups = errors.filter((w) => w.code === DUPLICATE_KEY);
      for (const w of errors) if (w.code !== DUPLICATE_KEY) s.out.failed.push({ index: idx[w.index]!, code: w.code, message: w.message });
      // Tried first (upsertBatch): a duplicate key is the stored version the caller classifies.
      if (s.existingMeans === 'existing') for (const w of dups) s.existing.push(idx[w.index]!);
      else if (dups.length) {
        const rest = await settleStored(
          coll,
          dups.map((w) => docs[w.index]!),
          dups.map((w) => idx[w.index]!),
          ctx,
          s,
        );
        // A duplicate-key answer for a document that is not there: report, never drop.
        rest.idx.forEach((i) => s.out.failed.push({ index: i, code: DUPLICATE_KEY, message: 'duplicate key, but no stored document has this _id' }));
      }
      return;
    }
    // Refused as a whole, or an answer that does not account for every document: the
    // server may have stored part of it. Settle what is stored, split the rest.
    const rest = await settleStored(coll, docs, idx, ctx, s);
    if (!rest.docs.length) return;
    if (rest.docs.length === 1 && docs.length === 1) {
      s.out.failed.push({ index: idx[0]!, code: errors[0]?.code ?? (e as { code?: number }).code, message: errors[0]?.message ?? serverMessage(e) });
      return;
    }
    if (rest.docs.length < docs.length) return insertPart(coll, rest.docs, rest.idx, ctx, s);
    const half = Math.ceil(rest.docs.length / 2);
    await insertPart(coll, rest.docs.slice(0, half), rest.idx.slice(0, half), ctx, s);
    await insertPart(coll, rest.docs.slice(half), rest.idx.slice(half), ctx, s);
  }
}

async function insertAll(coll: Collection, docs: Document[], ctx: WriteContext, existingMeans: ExistingMeans): Promise<InsertState> {
  const s: InsertState = { out: { inserted: 0, updated: 0, unchanged: 0, failed: [] }, existingMeans, existing: [] };
  if (docs.length)
    await insertPart(
      coll,
      docs,
      docs.map((_, i) => i),
      ctx,
      s,
    );
  return s;
}

/** Insert documents that carry their `_id`; a document already stored means `existingMeans`. */
export async function insertBatch(coll: Collection, docs: Document[], ctx: WriteContext = { runId: '', retry: noRetry }, existingMeans: Exclude<ExistingMeans, 'existing'> = 'unchanged'): Promise<BatchOutcome> {
  return (await insertAll(coll, docs, ctx, existingMeans)).out;
}

/**
 * Keyed documents (`_id` derived from the primary key, `_proofline.content_hash` set),
 * classified in arrival order, as a sequential writer would: new → insert; same content
 * hash → unchanged; older by cursor than the stored one → unchanged (the newest wins);
 * else → replace.
 *
 * Two ways to find the stored versions, the same result (docs/performance.md):
 * - `insertFirst`: insert the batch's documents as they are; the server stores the new ones
 *   at the price of a plain insert, and answers duplicate key for the `_id`s it holds, which
 *   alone are then read and classified. The way to write mostly new records.
 * - otherwise: read the stored versions of the whole batch first (only `_id`, hash and
 *   cursor; one `$in` or concurrent `_id` equalities, whichever the server indexes:
 *   keyed-lookup.ts), then insert the new and replace the changed. The way for a rerun,
 *   where most records are stored already and a refused insert would be wasted work.
 */
export async function upsertBatch(
  coll: Collection,
  docs: Document[],
  cursorField?: string,
  ctx: WriteContext = { runId: '', retry: noRetry },
  insertFirst = false,
): Promise<BatchOutcome> {
  if (!insertFirst) return lookupFirst(coll, docs, cursorField, ctx);
  // Only an _id that appears once in the batch can be inserted blind; repeats keep their order through lookupFirst.
  const seen = new Map<unknown, number>();
  for (const d of docs) seen.set(d._id, (seen.get(d._id) ?? 0) + 1);
  const once = docs.flatMap((d, i) => (seen.get(d._id) === 1 ? [i] : []));
  const tried = await insertAll(
    coll,
    once.map((i) => docs[i]!),
    ctx,
    'existing',
  );
  const out = tried.out;
  out.failed = out.failed.map((f) => ({ ...f, index: once[f.index]! }));
  const rest = [...tried.existing.map((k) => once[k]!), ...docs.flatMap((d, i) => (seen.get(d._id) === 1 ? [] : [i]))];
  const r = await lookupFirst(
    coll,
    rest.map((i) => docs[i]!),
    cursorField,
    ctx,
  );
  out.inserted += r.inserted;
  out.updated += r.updated;
  out.unchanged += r.unchanged;
  for (const f of r.failed) out.failed.push({ ...f, index: rest[f.index]! });
  return out;
}

async function lookupFirst(coll: Collection, docs: Document[], cursorField: string | undefined, ctx: WriteContext): Promise<BatchOutcome> {
  const out: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, failed: [] };
  if (!docs.length) return out;
  const ids = [...new Set(docs.map((d) => d._id as string))];
  const projection: Document = { [HASH_PATH]: 1, [RUN_PATH]: 1 };
  if (cursorField) projection[cursorField] = 1;
  const stored = await ctx.retry('lookup', () => findStoredByIds(coll, ids, projection));

  // Latest decision per _id, and the input index it came from (to report failures).
  const plan = new Map<string, { doc: Document; index: number; existed: boolean }>();
  docs.forEach((doc, index) => {
    const id = doc._id as string;
    const current = plan.get(id)?.doc ?? stored.get(id);
    if (!current) {
      plan.set(id, { doc, index, existed: false });
      return;
    }
    const sameContent = getPath(current, HASH_PATH) === getPath(doc, HASH_PATH);
    // This run's own write of the same content (a batch resent after a transient error): inserted.
    if (sameContent && !plan.has(id) && getPath(current, RUN_PATH) === ctx.runId) {
      out.inserted += 1;
      return;
    }
    const older = cursorField !== undefined && compareCursor(getPath(doc, cursorField), getPath(current, cursorField)) < 0;
    if (sameContent || older) {
      out.unchanged += 1;
      return;
    }
    const previous = plan.get(id);
    // A later version replaces a version planned earlier in this batch: that one counts as
    // updated (written over); the final write of each _id is counted from the server's answer.
    if (previous) out.updated += 1;
    plan.set(id, { doc, index, existed: previous?.existed ?? true });
  });

  const entries = [...plan.values()];
  const fresh = entries.filter((p) => !p.existed);
  const stale = entries.filter((p) => p.existed);
  // Inserted and updated come from the server's answers, not from the plan.
  const r = await insertBatch(
    coll,
    fresh.map((p) => p.doc),
    ctx,
    'conflict',
  );
  out.inserted += r.inserted;
  for (const f of r.failed) out.failed.push({ ...f, index: fresh[f.index]!.index });
  const ops: AnyBulkWriteOperation[] = stale.map((p) => ({ replaceOne: { filter: { _id: p.doc._id }, replacement: p.doc } }));
  const failed = await bulkWriteChunked(coll, ops, ctx.retry);
  out.updated += stale.length - failed.length;
  for (const f of failed) out.failed.push({ ...f, index: stale[f.index]!.index });
  return out;
}
