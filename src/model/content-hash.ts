import { createHash } from 'node:crypto';

/**
 * A stable hash of a document's content, lineage excluded: two versions of a record that
 * differ only in `_proofline` (run id, ingestion time) hash the same, which is how a rerun
 * tells "unchanged" from "updated" without reading whole stored documents back.
 */

/** Canonical text of a value: sorted keys, dates tagged, BSON values by type. One string, no intermediate objects. */
function canonical(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return String(value);
    case 'string':
      return JSON.stringify(value);
    case 'undefined':
      return 'u';
    case 'object':
      break;
    default:
      return JSON.stringify(String(value));
  }
  if (value instanceof Date) return `D${value.getTime()}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const bson = value as { _bsontype?: string; toString(): string };
  if (bson._bsontype) return `${bson._bsontype}(${bson.toString()})`;
  const keys = Object.keys(value).sort();
  let out = '{';
  for (const k of keys) out += `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])},`;
  return `${out}}`;
}

export const LINEAGE_KEY = '_proofline';

export function contentHash(doc: Record<string, unknown>): string {
  const content: Record<string, unknown> = {};
  for (const k of Object.keys(doc)) if (k !== LINEAGE_KEY && k !== '_id') content[k] = doc[k];
  return createHash('sha1').update(canonical(content)).digest('base64url');
}

export function rawHash(value: unknown): string {
  return createHash('sha1').update(canonical(value)).digest('base64url');
}
