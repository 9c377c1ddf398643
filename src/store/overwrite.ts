import { MongoServerError, type Db } from 'mongodb';
import type { Logger } from '../common/logger.js';
import type { DbRetry } from './db-retry.js';
import { applyGeneration, type GenerationDiff } from './generation-diff.js';

/**
 * full_refresh + overwrite: the run loads a temporary collection; the target is replaced
 * only once the whole source was read, so a failed run leaves the old data in place.
 *
 * The swap: where the server can `renameCollection` with `dropTarget` (MongoDB,
 * DocumentDB), one atomic rename. Where it cannot (FerretDB v1 answers NotImplemented),
 * the temporary collection holds only what differs from the stored generation, and the
 * commit applies it (generation-diff.ts). Readers see old and new side by side for a
 * moment, never an empty collection (two renames would leave no collection for an instant).
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
  /** The stored generation, compared while loading; absent where one rename swaps. */
  diff?: GenerationDiff;
  logger: Logger;
  batchSize: number;
  retry?: DbRetry;
}

export async function commitOverwrite(db: Db, o: SwapOptions): Promise<'renamed' | 'applied'> {
  if (!o.diff) {
    await db.renameCollection(o.temp, o.target, { dropTarget: true });
    return 'renamed';
  }
  const target = db.collection(o.target);
  if (o.diff.size === 0 && (await target.countDocuments({}, { limit: 1 })) === 0) {
    // Nothing stored to keep visible: the loaded collection (set up like the target) becomes it.
    await target.drop();
    await db.renameCollection(o.temp, o.target);
    return 'renamed';
  }
  const counts = await applyGeneration(db.collection(o.temp), target, o.diff, o.batchSize, o.retry);
  await db.collection(o.temp).drop();
  o.logger.info({ collection: o.target, ...counts }, 'overwrite: applied the new generation (the server cannot rename with dropTarget)');
  return 'applied';
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
