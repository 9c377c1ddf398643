import { LINEAGE_KEY } from './content-hash.js';
import type { JsonSchema } from './schema.js';

/**
 * The target JSON Schema (draft-07) as MongoDB's `$jsonSchema`, for the collection
 * validator and the schema check's server-side count. Kept apart from schema.ts, which
 * validates documents with Ajv: one reads the schema, the other rewrites it for a server.
 */

const DROP_KEYWORDS = new Set(['$schema', '$id', 'format', 'default', 'examples', 'title', '$comment', 'definitions', '$defs']);

/**
 * draft-07 → MongoDB `$jsonSchema` for the server-side count: date-time strings become
 * BSON dates, integers int/long, and keywords $jsonSchema rejects are dropped.
 */
export function toMongoJsonSchema(schema: JsonSchema): Record<string, unknown> {
  const out = convert(schema) as Record<string, unknown>;
  // The server stores _id on every document, and proofline its lineage: allow both when the schema forbids extra fields.
  if (out.additionalProperties === false && out.properties) {
    const props = out.properties as Record<string, unknown>;
    out.properties = { ...('_id' in props ? {} : { _id: {} }), ...(LINEAGE_KEY in props ? {} : { [LINEAGE_KEY]: {} }), ...props };
  }
  return out;
}

function convert(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(convert);
  if (schema === null || typeof schema !== 'object') return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const types = s.type === undefined ? undefined : ([] as unknown[]).concat(s.type);
  if (types) {
    const bson = types.flatMap((t) => {
      if (t === 'string' && s.format === 'date-time') return ['date'];
      if (t === 'integer') return ['int', 'long'];
      if (t === 'number') return ['double', 'int', 'long', 'decimal'];
      if (t === 'boolean') return ['bool'];
      return [t as string];
    });
    out.bsonType = bson.length === 1 ? bson[0] : bson;
  }
  for (const [k, v] of Object.entries(s)) {
    if (k === 'type' || DROP_KEYWORDS.has(k)) continue;
    if (k === 'properties' || k === 'patternProperties') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([p, sub]) => [p, convert(sub)]));
    } else if (k === 'items' || k === 'additionalProperties' || k === 'anyOf' || k === 'oneOf' || k === 'allOf' || k === 'not') {
      out[k] = convert(v);
    } else {
      out[k] = v;
    }
  }
  return out;
}
