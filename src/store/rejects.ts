import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';
import { rawHash } from '../model/content-hash.js';
import type { JsonObject } from '../protocol/messages.js';
import { bulkWriteChunked } from './bulk-chunks.js';

/**
 * The quarantine: `<collection>_rejects`. One document per rejected record with where it
 * came from, the raw record (as JSON text: source column names such as `Precip. Rate.`
 * hold dots, which not every server accepts as keys) and every failure. Keyed by stream + location + content hash,
 * so rerunning a sync over the same bad input does not duplicate its rejects (the
 * document records the first and the latest run that saw it).
 */

export interface RecordLocation {
  file?: string;
  row?: number;
  url?: string;
  index?: number;
}

export interface Failure {
  field: string;
  rule: string;
  value: unknown;
  message: string;
}

export interface Reject {
  stream: string;
  location: RecordLocation;
  record: JsonObject;
  failures: Failure[];
}

export const rejectsCollection = (collection: string): string => `${collection}_rejects`;

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** Where a raw record came from, from the source's lineage keys. */
export function locationOf(data: JsonObject): RecordLocation {
  const where = data._ab_source_file_url;
  const pos = data._ab_source_file_row;
  if (typeof where !== 'string') return {};
  const n = typeof pos === 'number' ? pos : undefined;
  return URL_LIKE.test(where) ? { url: where, ...(n !== undefined ? { index: n } : {}) } : { file: where, ...(n !== undefined ? { row: n } : {}) };
}

export function rejectId(r: Reject): string {
  return `${r.stream}|${rawHash(r.location)}|${rawHash(r.record)}`;
}

/** Values as stored: undefined → null, objects as JSON text (their keys may hold dots, which FerretDB refuses). */
const storableValue = (v: unknown): unknown => (v === undefined ? null : v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v);
const storable = (f: Failure): Document => ({ field: f.field, rule: f.rule, value: storableValue(f.value), message: f.message });

export async function writeRejects(db: Db, collection: string, runId: string, rejects: Reject[]): Promise<void> {
  if (!rejects.length) return;
  const now = new Date();
  const ops: AnyBulkWriteOperation<Document>[] = rejects.map((r) => ({
    updateOne: {
      filter: { _id: rejectId(r) } as Document,
      update: {
        $setOnInsert: { stream: r.stream, location: r.location, record_json: JSON.stringify(r.record), failures: r.failures.map(storable), rules: [...new Set(r.failures.map((f) => f.rule))], first_run_id: runId, rejected_at: now },
        $set: { run_id: runId, last_seen_at: now },
      },
      upsert: true,
    },
  }));
  const failed = await bulkWriteChunked(db.collection(rejectsCollection(collection)), ops);
  if (failed.length) throw new Error(`quarantine write failed: ${failed[0]!.message}`);
}
