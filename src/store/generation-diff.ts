import type { Collection, Document } from 'mongodb';
import { ProoflineError, ErrorCode } from '../errors.js';
import { getPath } from '../model/primary-key.js';
import { HASH_PATH, insertBatch } from './batch-write.js';
import { bulkWriteChunked } from './bulk-chunks.js';
import { noRetry, type DbRetry } from './db-retry.js';

/**
 * full_refresh + overwrite where the server cannot swap collections in one rename
 * (FerretDB v1): the new generation is compared with the stored one while it is loaded,
 * so only what differs is written, and the swap costs O(changes), not one statement per
 * stored document (docs/performance.md, "Overwrite").
 *
 * - Before the run: one projected pass reads every stored `_id` and content hash.
 * - While loading: a record whose `_id` is stored with the same content is `unchanged` and
 *   not written at all; the others (new or changed) go to the run's temporary collection,
 *   so an interrupted run leaves the target untouched.
 * - Commit: the temporary collection's documents are inserted (new `_id`s, in bulk) or
 *   replaced (changed), then the stored `_id`s the new generation did not contain are
 *   deleted. A reader sees old and new records side by side for the commit's moment,
 *   never an empty collection.
 *
 * An unkeyed overwrite record's `_id` is a hash of its position and content
 * (stream-sink.ts), so a stored `_id` is the same record: unchanged. A keyed one compares
 * content hashes. Memory: one map entry per stored document (~200 bytes; 200 MB at 1M).
 */

/** A stored document this run has seen in the new generation (kept, not deleted at commit). */
const SEEN = 1;

/** FerretDB v1 deletes by binding each `_id` as a parameter, at most 65,535 per statement. */
const DELETE_CHUNK = 50_000;

export type Verdict = 'new' | 'changed' | 'unchanged';

export class GenerationDiff {
  private constructor(
    /** `_id` → stored content hash ('' when unkeyed or missing), or SEEN. */
    private readonly stored: Map<string, string | typeof SEEN>,
    private readonly keyed: boolean,
  ) {}

  /** Read the stored generation's `_id`s (and content hashes, for keyed streams). */
  static async load(coll: Collection, keyed: boolean, retry: DbRetry = noRetry): Promise<GenerationDiff> {
    return retry('read the stored generation', async () => {
      const stored = new Map<string, string | typeof SEEN>();
      const projection = keyed ? { _id: 1, [HASH_PATH]: 1 } : { _id: 1 };
      for await (const d of coll.find({}, { projection, batchSize: 10_000 })) {
        const hash = keyed ? getPath(d, HASH_PATH) : '';
        stored.set(String(d._id), typeof hash === 'string' ? hash : '');
      }
      return new GenerationDiff(stored, keyed);
    });
  }

  get size(): number {
    return this.stored.size;
  }

  /**
   * One verdict per document, in order; marks the stored `_id`s as seen. A key seen earlier
   * in this run is never `unchanged`: its earlier version may be the one in the temporary
   * collection, and the latest must win.
   */
  classify(docs: Document[]): Verdict[] {
    return docs.map((d) => {
      const id = String(d._id);
      const before = this.stored.get(id);
      if (before === undefined) return 'new';
      this.stored.set(id, SEEN);
      if (before === SEEN) return 'changed';
      if (!this.keyed) return 'unchanged';
      return before !== '' && before === getPath(d, HASH_PATH) ? 'unchanged' : 'changed';
    });
  }

  /** A classified document the server then refused: its stored version is not part of the new generation. */
  refused(doc: Document): void {
    const id = String(doc._id);
    if (this.stored.get(id) === SEEN) this.stored.set(id, '');
  }

  /** Stored before the run (so a document of the new generation with this `_id` replaces it). */
  has(id: unknown): boolean {
    return this.stored.has(String(id));
  }

  /** Stored `_id`s the new generation did not contain. */
  stale(): string[] {
    const out: string[] = [];
    for (const [id, v] of this.stored) if (v !== SEEN) out.push(id);
    return out;
  }
}

export interface ApplyCounts {
  inserted: number;
  replaced: number;
  deleted: number;
}

/**
 * Commit: write the temporary collection's documents into the target (insert the new in
 * bulk, replace the changed), then delete the stale `_id`s. Idempotent: a commit retried
 * after a failure finds its inserts as duplicates and replaces them with the same content.
 */
export async function applyGeneration(temp: Collection, target: Collection, diff: GenerationDiff, batchSize: number, retry: DbRetry = noRetry): Promise<ApplyCounts> {
  const counts: ApplyCounts = { inserted: 0, replaced: 0, deleted: 0 };
  const ctx = { runId: '', retry };
  const write = async (docs: Document[]): Promise<void> => {
    const fresh = docs.filter((d) => !diff.has(d._id));
    const r = await insertBatch(target, fresh, ctx, 'conflict');
    counts.inserted += r.inserted;
    // Stored meanwhile (a commit resumed after an error): replace like a changed one.
    const again = r.failed.filter((f) => f.code === 11000).map((f) => fresh[f.index]!);
    const other = r.failed.find((f) => f.code !== 11000);
    if (other) throw new ProoflineError(ErrorCode.SERVER_ERROR, `overwrite commit into ${target.collectionName}: the server refused a document it accepted into ${temp.collectionName}: ${other.message}`);
    const changed = [...docs.filter((d) => diff.has(d._id)), ...again];
    const failed = await bulkWriteChunked(
      target,
      changed.map((d) => ({ replaceOne: { filter: { _id: d._id }, replacement: d, upsert: true } })),
      retry,
    );
    if (failed.length) throw new ProoflineError(ErrorCode.SERVER_ERROR, `overwrite commit into ${target.collectionName} failed: ${failed[0]!.message}`);
    counts.replaced += changed.length;
  };
  let batch: Document[] = [];
  for await (const doc of temp.find({}, { batchSize })) {
    batch.push(doc);
    if (batch.length >= batchSize) {
      await write(batch);
      batch = [];
    }
  }
  if (batch.length) await write(batch);
  const stale = diff.stale();
  for (let i = 0; i < stale.length; i += DELETE_CHUNK) {
    const filter: Document = { _id: { $in: stale.slice(i, i + DELETE_CHUNK) } };
    counts.deleted += (await retry('delete the stale generation', () => target.deleteMany(filter))).deletedCount;
  }
  return counts;
}
