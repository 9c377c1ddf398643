import type { AnyBulkWriteOperation, Collection, Document, MongoBulkWriteError } from 'mongodb';
import { serverMessage } from '../common/server-message.js';
import { ErrorCode, ProoflineError } from '../errors.js';
import { noRetry, type DbRetry } from './db-retry.js';
import { isDocumentRefusal } from './driver-errors.js';

/**
 * Update/replace operations are sent in bulk writes of at most UPDATE_CHUNK operations.
 * Why: FerretDB v1.24 over PostgreSQL deadlocks on one unordered bulk write of ~100
 * replaceOne operations (its 50-connection pool is exhausted and every later command on
 * the gateway hangs; measured on the local stack, 40 is fine, 100 hangs). 32 keeps the
 * round trips few on MongoDB and keeps FerretDB alive. Inserts (insertMany) are not affected.
 *
 * Every chunk is verified: the server must acknowledge each operation (matched, upserted,
 * inserted or deleted) or name it in a write error. A chunk refused as a whole (FerretDB
 * answers one error for the bulk, with no per-operation errors) is split in halves until
 * the refused operations are found; the others are written. The operations must be
 * idempotent (replace/upsert by `_id`), since a half may be sent again.
 */
export const UPDATE_CHUNK = 32;

export interface ChunkFailure {
  /** Index in the full `ops` list. */
  index: number;
  code: number | undefined;
  message: string;
}

export interface ServerWriteError {
  index: number;
  code: number | undefined;
  message: string;
}

/** The per-document errors of a bulk write error (the driver gives one object or a list). */
export function writeErrorsOf(e: unknown): ServerWriteError[] {
  const raw = (e as MongoBulkWriteError).writeErrors;
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((w) => ({ index: w.index, code: typeof w.code === 'number' ? w.code : undefined, message: serverMessage(w.errmsg ?? 'write error') }));
}

const acknowledged = (r: { matchedCount?: number; upsertedCount?: number; insertedCount?: number; deletedCount?: number } | undefined): number =>
  (r?.matchedCount ?? 0) + (r?.upsertedCount ?? 0) + (r?.insertedCount ?? 0) + (r?.deletedCount ?? 0);

export const unverified = (what: string, sent: number, acked: number): ProoflineError =>
  new ProoflineError(ErrorCode.WRITE_UNVERIFIED, `${what}: sent ${sent} operation(s), the server acknowledged ${acked}`);

async function writeOps(coll: Collection, ops: AnyBulkWriteOperation<Document>[], offset: number, retry: DbRetry, failures: ChunkFailure[]): Promise<void> {
  try {
    const r = await retry('bulk write', () => coll.bulkWrite(ops, { ordered: false }));
    const acked = acknowledged(r);
    if (acked !== ops.length) throw unverified(`bulk write into ${coll.collectionName}`, ops.length, acked);
  } catch (e) {
    if (e instanceof ProoflineError || !isDocumentRefusal(e)) throw e;
    const errors = writeErrorsOf(e);
    if (errors.length && acknowledged((e as MongoBulkWriteError).result) + errors.length === ops.length) {
      for (const w of errors) failures.push({ index: offset + w.index, code: w.code, message: w.message });
      return;
    }
    if (ops.length === 1) {
      failures.push({ index: offset, code: errors[0]?.code ?? (e as { code?: number }).code, message: errors[0]?.message ?? serverMessage(e) });
      return;
    }
    const half = Math.ceil(ops.length / 2);
    await writeOps(coll, ops.slice(0, half), offset, retry, failures);
    await writeOps(coll, ops.slice(half), offset + half, retry, failures);
  }
}

export async function bulkWriteChunked(coll: Collection, ops: AnyBulkWriteOperation<Document>[], retry: DbRetry = noRetry): Promise<ChunkFailure[]> {
  const failures: ChunkFailure[] = [];
  for (let start = 0; start < ops.length; start += UPDATE_CHUNK) await writeOps(coll, ops.slice(start, start + UPDATE_CHUNK), start, retry, failures);
  return failures;
}
