import { createHash } from 'node:crypto';

/**
 * A stable hash of a document's content, lineage excluded: two versions of a record that
 * differ only in `_proofline` (run id, ingestion time) hash the same, which is how a rerun
 * tells "unchanged" from "updated" without reading whole stored documents back.
 */

function canonical(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const bson = value as { _bsontype?: string; toString(): string };
  if (bson._bsontype) return { [`$${bson._bsontype}`]: bson.toString() };
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
  return out;
}

export const LINEAGE_KEY = '_proofline';

export function contentHash(doc: Record<string, unknown>): string {
  const content: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (k !== LINEAGE_KEY && k !== '_id') content[k] = v;
  return createHash('sha1').update(JSON.stringify(canonical(content))).digest('base64url');
}

export function rawHash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(canonical(value)) ?? 'undefined').digest('base64url');
}
