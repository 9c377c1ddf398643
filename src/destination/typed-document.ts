import type { JsonObject } from '../protocol/messages.js';

/**
 * Without a target schema, a record is stored as a typed document: its fields at the top
 * level (not an `_airbyte_data` blob), with the timestamps the stream's JSON Schema
 * declares (`format: date-time`, `airbyte_type: timestamp_*`) stored as BSON dates so
 * they sort and range-query as dates. A value that does not parse stays as sent.
 */

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

function isTimestamp(schema: JsonObject): boolean {
  const at = schema.airbyte_type;
  return schema.format === 'date-time' || (typeof at === 'string' && at.startsWith('timestamp'));
}

/** A timestamp string as a Date; one without an offset is UTC (Airbyte's timestamp_without_timezone). */
export function parseTimestamp(value: string): Date | undefined {
  const text = OFFSET.test(value) ? value : `${value}Z`;
  const d = new Date(text.replace(' ', 'T'));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Field names (nested objects included) the stream schema types as timestamps. */
export function timestampPaths(schema: JsonObject | undefined, prefix: string[] = [], depth = 0): string[][] {
  const props = schema?.properties as Record<string, JsonObject> | undefined;
  if (!props || depth > 8) return [];
  const out: string[][] = [];
  for (const [name, sub] of Object.entries(props)) {
    if (!sub || typeof sub !== 'object') continue;
    if (isTimestamp(sub)) out.push([...prefix, name]);
    else if (sub.properties) out.push(...timestampPaths(sub, [...prefix, name], depth + 1));
  }
  return out;
}

/** Converts, in place on a copy, the timestamp fields found at `paths`. */
export function typeDocument(data: JsonObject, paths: string[][]): JsonObject {
  if (paths.length === 0) return data;
  const doc = structuredClone(data);
  for (const path of paths) {
    let cur: JsonObject | undefined = doc;
    for (const key of path.slice(0, -1)) {
      const next: unknown = cur?.[key];
      cur = next && typeof next === 'object' && !Array.isArray(next) ? (next as JsonObject) : undefined;
    }
    const leaf = path.at(-1)!;
    const v = cur?.[leaf];
    if (cur && typeof v === 'string') {
      const d = parseTimestamp(v);
      if (d) cur[leaf] = d;
    }
  }
  return doc;
}
