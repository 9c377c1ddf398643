import { MongoBulkWriteError, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { compareCursor, getPath } from '../model/primary-key.js';
import { bulkWriteChunked } from './bulk-chunks.js';
import { findStoredByIds } from './keyed-lookup.js';

/**
 * The two write shapes of the engine, each one round trip of an unordered bulk write:
 * `insertBatch` (append, and overwrite without a key) and `upsertBatch` (append_dedup, and
 * overwrite with a key). Documents the server refuses (its own validator, size limits) come
 * back as `failed` with the server's message so the caller quarantines them: never lost.
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

function failuresOf(e: MongoBulkWriteError): WriteFailure[] {
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
  return list.map((w) => ({ index: w.index, code: typeof w.code === 'number' ? w.code : undefined, message: w.errmsg ?? 'write error' }));
}

export async function insertBatch(coll: Collection, docs: Document[]): Promise<BatchOutcome> {
  try {
    const r = await coll.insertMany(docs, { ordered: false });
    return { inserted: r.insertedCount, updated: 0, unchanged: 0, failed: [] };
  } catch (e) {
    if (!(e instanceof MongoBulkWriteError)) throw e;
    return { inserted: e.result.insertedCount, updated: 0, unchanged: 0, failed: failuresOf(e) };
  }
}

export const HASH_PATH = '_proofline.content_hash';

/**
 * Keyed documents (`_id` derived from the primary key, `_proofline.content_hash` set):
 * the stored versions of the batch are read (only `_id`, hash and cursor; one `$in` or
 * concurrent `_id` equalities, whichever the server indexes: keyed-lookup.ts),
 * then each document is classified in arrival order, as a sequential writer would:
 * new → insert; same content hash → unchanged; older by cursor than the stored one →
 * unchanged (the newest wins); else → replace.
 */
export async function upsertBatch(coll: Collection, docs: Document[], cursorField?: string): Promise<BatchOutcome> {
  const ids = [...new Set(docs.map((d) => d._id as string))];
  const projection: Document = { [HASH_PATH]: 1 };
  if (cursorField) projection[cursorField] = 1;
  const stored = await findStoredByIds(coll, ids, projection);

  const out: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, failed: [] };
  // Latest decision per _id, and the input index it came from (to report failures).
  const plan = new Map<string, { doc: Document; index: number; existed: boolean }>();
  docs.forEach((doc, index) => {
    const id = doc._id as string;
    const current = plan.get(id)?.doc ?? stored.get(id);
    if (!current) {
      plan.set(id, { doc, index, existed: false });
      out.inserted += 1;
      return;
    }
    const sameContent = getPath(current, HASH_PATH) === getPath(doc, HASH_PATH);
    const older = cursorField !== undefined && compareCursor(getPath(doc, cursorField), getPath(current, cursorField)) < 0;
    if (sameContent || older) {
      out.unchanged += 1;
      return;
    }
    plan.set(id, { doc, index, existed: plan.get(id)?.existed ?? true });
    out.updated += 1;
  });

  const entries = [...plan.values()];
  const fresh = entries.filter((p) => !p.existed);
  const stale = entries.filter((p) => p.existed);
  const unwrite = (p: { index: number; existed: boolean }, f: Omit<WriteFailure, 'index'>): void => {
    if (p.existed) out.updated -= 1;
    else out.inserted -= 1;
    out.failed.push({ ...f, index: p.index });
  };
  if (fresh.length) {
    const r = await insertBatch(
      coll,
      fresh.map((p) => p.doc),
    );
    for (const f of r.failed) if (fresh[f.index]) unwrite(fresh[f.index]!, f);
  }
  const ops: AnyBulkWriteOperation[] = stale.map((p) => ({ replaceOne: { filter: { _id: p.doc._id }, replacement: p.doc } }));
  for (const f of await bulkWriteChunked(coll, ops)) if (stale[f.index]) unwrite(stale[f.index]!, f);
  return out;
}
