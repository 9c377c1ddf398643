import { MongoServerError, type AnyBulkWriteOperation, type Db, type Document } from 'mongodb';
import type { Logger } from '../common/logger.js';
import { ErrorCode, ProoflineError } from '../errors.js';
import { bulkWriteChunked } from './bulk-chunks.js';

/**
 * full_refresh + overwrite: the run loads a temporary collection; the target is replaced
 * only once the whole source was read, so a failed run leaves the old data in place.
 *
 * The swap: where the server can `renameCollection` with `dropTarget` (MongoDB,
 * DocumentDB), one atomic rename. Where it cannot (FerretDB v1 answers NotImplemented),
 * copy-and-prune: the loaded documents are upserted into the target by `_id`, then the
 * documents this run did not write are deleted. Readers see old ∪ new for a moment,
 * never an empty collection (two renames would leave no collection for an instant).
 */

/** The server's code for a collection that does not exist (older MongoDB answers drop with it). */
const NAMESPACE_NOT_FOUND = 26;

export const TEMP_INFIX = '__pl_tmp_';

export const tempName = (target: string, runId: string): string => `${target}${TEMP_INFIX}${runId}`.slice(0, 120);

/** Drop temporary collections left by killed runs, then return this run's (empty) one. */
export async function beginOverwrite(db: Db, target: string, runId: string, logger: Logger): Promise<string> {
  const prefix = `${target}${TEMP_INFIX}`;
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (c.name.startsWith(prefix)) {
      logger.info({ collection: c.name }, 'overwrite: dropping the temporary collection of an unfinished earlier run');
      // Harmless if it fails: the leftover only holds an unfinished copy, readers never see it, and the next run tries again.
      await db.collection(c.name).drop().catch((e: unknown) => logger.warn({ collection: c.name, err: String(e) }, 'overwrite: leftover temporary collection not dropped; the next run tries again'));
    }
  }
  return tempName(target, runId);
}

export interface SwapOptions {
  temp: string;
  target: string;
  runId: string;
  renameDropTarget: boolean;
  logger: Logger;
  batchSize: number;
}

export async function commitOverwrite(db: Db, o: SwapOptions): Promise<'renamed' | 'copied'> {
  if (o.renameDropTarget) {
    await db.renameCollection(o.temp, o.target, { dropTarget: true });
    return 'renamed';
  }
  const source = db.collection(o.temp);
  const target = db.collection(o.target);
  let ops: AnyBulkWriteOperation<Document>[] = [];
  const push = async (): Promise<void> => {
    const failed = await bulkWriteChunked(target, ops);
    if (failed.length) throw new ProoflineError(ErrorCode.SERVER_ERROR, `overwrite copy into ${o.target} failed: ${failed[0]!.message}`);
    ops = [];
  };
  for await (const doc of source.find({}, { batchSize: o.batchSize })) {
    ops.push({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } });
    if (ops.length >= o.batchSize) await push();
  }
  if (ops.length) await push();
  const pruned = await target.deleteMany({ '_proofline.run_id': { $ne: o.runId } });
  await source.drop();
  o.logger.info({ collection: o.target, pruned: pruned.deletedCount }, 'overwrite: copied the loaded documents in and pruned the old ones (the server cannot rename with dropTarget)');
  return 'copied';
}

/**
 * Drop this run's temporary collection. A collection that is not there is fine (nothing
 * was loaded yet); any other failure is thrown, so the run's result says a temporary
 * collection was left behind (the next run drops it).
 */
export async function abortOverwrite(db: Db, temp: string): Promise<void> {
  try {
    await db.collection(temp).drop();
  } catch (e) {
    if (!(e instanceof MongoServerError && e.code === NAMESPACE_NOT_FOUND)) throw e;
  }
}
