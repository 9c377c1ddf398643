import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';
import { boundedJson } from '../common/bounded-json.js';
import { ErrorCode, ProoflineError } from '../errors.js';
import type { JsonObject } from '../protocol/messages.js';
import { bulkWriteChunked } from './bulk-chunks.js';
import { noRetry, type DbRetry } from './db-retry.js';

/**
 * The quarantine: `<collection>_rejects`. One document per rejected record with where it
 * came from, the raw record (as JSON text: source column names such as `Precip. Rate.`
 * hold dots, which not every server accepts as keys; and a value can be one no server
 * stores) and every failure. Keyed by stream + location + record hash, so rerunning a
 * sync over the same bad input does not duplicate its rejects (the document records the
 * first and the latest run that saw it).
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

/** How much of a rejected record's JSON text the quarantine keeps; the full text's length and sha256 are kept too. */
export const QUARANTINE_RECORD_CHARS = 256 * 1024;
/** How much of a failing value (and of any other text) a failure keeps. */
const VALUE_CHARS = 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text that every server can store: NUL (PostgreSQL's jsonb refuses it, so FerretDB
 * refuses the whole write) written as the escape `\u0000`, lone surrogates replaced,
 * and at most `max` characters.
 */
export function storableText(s: string, max = VALUE_CHARS): string {
  const cut = s.length > max ? `${s.slice(0, max)}…` : s;
  return cut.replaceAll('\u0000', '\\u0000').replace(LONE_SURROGATE, '\uFFFD');
}

/** A failing value as stored: finite numbers, booleans and null as they are; anything else as bounded text. */
function storableValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string') return storableText(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : v;
  return storableText(boundedJson(v, VALUE_CHARS).text);
}

const storableFailure = (f: Failure): Document => ({ field: storableText(f.field, 300), rule: storableText(f.rule, 100), value: storableValue(f.value), message: storableText(f.message, 2000) });

function storableLocation(l: RecordLocation): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(l)) out[k] = typeof v === 'string' ? storableText(v, 2000) : v;
  return out;
}

export interface QuarantineDoc {
  _id: string;
  body: Document;
}

/**
 * One quarantine document, built so that its write cannot fail on its content: the raw
 * record as JSON text (bounded, NUL escaped), never as a value. `_id` = stream +
 * location + the full record's sha256, so a rerun over the same bad input does not
 * duplicate its rejects.
 */
export function quarantineDoc(r: Reject, runId: string, now: Date): QuarantineDoc {
  const raw = boundedJson(r.record, QUARANTINE_RECORD_CHARS);
  const location = storableLocation(r.location);
  const id = `${storableText(r.stream, 200)}|${boundedJson(location, 4096).sha256.slice(0, 24)}|${raw.sha256}`;
  return {
    _id: id,
    body: {
      stream: storableText(r.stream, 200),
      location,
      record_json: storableText(raw.text, QUARANTINE_RECORD_CHARS),
      record_length: raw.length,
      record_sha256: raw.sha256,
      record_truncated: raw.truncated,
      failures: r.failures.slice(0, 20).map(storableFailure),
      rules: [...new Set(r.failures.map((f) => storableText(f.rule, 100)))],
      first_run_id: runId,
      rejected_at: now,
    },
  };
}

/**
 * Write the rejects, verified: every upsert acknowledged. Should the server still refuse
 * one (it cannot on content, see quarantineDoc), it is written again without the record
 * text, which leaves its location, rules, length and hash; only if that fails too does
 * the write fail, loudly.
 */
export async function writeRejects(db: Db, collection: string, runId: string, rejects: Reject[], retry: DbRetry = noRetry): Promise<number> {
  if (!rejects.length) return 0;
  const now = new Date();
  const docs = rejects.map((r) => quarantineDoc(r, runId, now));
  const op = (d: QuarantineDoc, body: Document): AnyBulkWriteOperation<Document> => ({
    updateOne: { filter: { _id: d._id } as Document, update: { $setOnInsert: body, $set: { run_id: runId, last_seen_at: now } }, upsert: true },
  });
  const coll = db.collection(rejectsCollection(collection));
  const failed = await bulkWriteChunked(
    coll,
    docs.map((d) => op(d, d.body)),
    retry,
  );
  if (!failed.length) return docs.length;
  const minimal = failed.map((f) => {
    const d = docs[f.index]!;
    const { record_json: _dropped, failures, ...rest } = d.body;
    return op(d, { ...rest, record_json: null, failures: (failures as Document[]).map((x) => ({ field: x.field, rule: x.rule, message: x.message })), quarantine_note: storableText(`record text left out: ${f.message}`, 500) });
  });
  const still = await bulkWriteChunked(coll, minimal, retry);
  if (still.length) throw new ProoflineError(ErrorCode.SERVER_ERROR, `quarantine write into ${rejectsCollection(collection)} failed for ${still.length} record(s): ${still[0]!.message}`);
  return docs.length;
}
