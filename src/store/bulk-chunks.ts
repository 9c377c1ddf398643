import type { AnyBulkWriteOperation, BulkWriteOptions, Collection, Document } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';

/**
 * Update/replace operations are sent in bulk writes of at most UPDATE_CHUNK operations.
 * Why: FerretDB v1.24 over PostgreSQL deadlocks on one unordered bulk write of ~100
 * replaceOne operations (its 50-connection pool is exhausted and every later command on
 * the gateway hangs; measured on the local stack, 40 is fine, 100 hangs). 32 keeps the
 * round trips few on MongoDB and keeps FerretDB alive. Inserts (insertMany) are not affected.
 */
export const UPDATE_CHUNK = 32;

export interface ChunkFailure {
  /** Index in the full `ops` list. */
  index: number;
  code: number | undefined;
  message: string;
}

export async function bulkWriteChunked(coll: Collection, ops: AnyBulkWriteOperation<Document>[], options: BulkWriteOptions = {}): Promise<ChunkFailure[]> {
  const failures: ChunkFailure[] = [];
  for (let start = 0; start < ops.length; start += UPDATE_CHUNK) {
    try {
      await coll.bulkWrite(ops.slice(start, start + UPDATE_CHUNK), { ordered: false, ...options });
    } catch (e) {
      if (!(e instanceof MongoBulkWriteError)) throw e;
      const list = Array.isArray(e.writeErrors) ? e.writeErrors : [e.writeErrors];
      for (const w of list) failures.push({ index: start + w.index, code: typeof w.code === 'number' ? w.code : undefined, message: w.errmsg ?? 'write error' });
    }
  }
  return failures;
}
