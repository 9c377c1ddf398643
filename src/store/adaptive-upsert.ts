import type { Collection, Document } from 'mongodb';
import { upsertBatch, type BatchOutcome, type WriteContext } from './batch-write.js';

/**
 * The keyed writer of one stream, choosing for each batch how upsertBatch finds the stored
 * versions, from what the previous batch found: mostly new records (a first load, an
 * overwrite's fresh copy, new days of an incremental sync) → insert first, and read only
 * the `_id`s the server refuses as duplicates; mostly stored (a rerun) → read first, so no
 * insert is wasted. Batches of a stream are written one after another, so the previous
 * answer is always the latest. The result is the same either way; only the cost differs
 * (docs/performance.md).
 */
export class AdaptiveUpsert {
  /** Share of the previous batch that was stored already; a run starts by assuming new records. */
  private storedShare = 0;

  async write(coll: Collection, docs: Document[], cursorField: string | undefined, ctx: WriteContext): Promise<BatchOutcome> {
    const r = await upsertBatch(coll, docs, cursorField, ctx, this.storedShare < 0.5);
    const written = r.inserted + r.updated + r.unchanged;
    if (written) this.storedShare = (r.updated + r.unchanged) / written;
    return r;
  }
}
