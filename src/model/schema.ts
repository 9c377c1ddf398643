import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createAjv } from '../common/ajv.js';
import { ConfigError } from '../errors.js';
import { LINEAGE_KEY } from './content-hash.js';

/**
 * The target schema, declared once as JSON Schema: compiled once by Ajv for the
 * in-pipeline validator and the schema check's audit (both validate with exactly this
 * code), with Ajv's errors turned into one FieldFailure per (field, rule); and turned
 * into the MongoDB `$jsonSchema` collection validator where the server enforces one.
 */

export const FAILURE_RULES = ['required', 'type', 'minimum', 'maximum', 'additionalProperties', 'enum', 'format', 'other'] as const;
export type FailureRule = (typeof FAILURE_RULES)[number];

/** What each rule means to an operator (reports and docs). */
export const RULE_LABELS: Record<FailureRule, string> = {
  required: 'missing required field',
  type: 'wrong type',
  minimum: 'below minimum',
  maximum: 'above maximum',
  additionalProperties: 'unexpected field',
  enum: 'not an allowed value',
  format: 'bad format',
  other: 'other rule',
};

export interface FieldFailure {
  field: string;
  rule: FailureRule;
  value: unknown;
  message: string;
}

export type JsonSchema = Record<string, unknown>;

export function loadSchema(file: string): JsonSchema {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read schema ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as JsonSchema;
  } catch (e) {
    throw new ConfigError(`schema ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

const RULE_OF: Record<string, FailureRule> = {
  required: 'required',
  type: 'type',
  minimum: 'minimum',
  exclusiveMinimum: 'minimum',
  maximum: 'maximum',
  exclusiveMaximum: 'maximum',
  additionalProperties: 'additionalProperties',
  enum: 'enum',
  const: 'enum',
  format: 'format',
  // String shape rules read as a bad format to an operator ("id_station has a space").
  pattern: 'format',
  minLength: 'format',
  maxLength: 'format',
};

function fieldOf(e: ErrorObject): string {
  const parts = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') parts.push(String(e.params.missingProperty));
  if (e.keyword === 'additionalProperties') parts.push(String(e.params.additionalProperty));
  return parts.join('.') || '(document)';
}

function valueAt(doc: unknown, field: string): unknown {
  let cur: unknown = doc;
  for (const p of field.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** Ajv errors → one failure per (field, rule); combinator noise is dropped when a precise error exists. */
export function toFailures(errors: ErrorObject[] | null | undefined, doc: unknown): FieldFailure[] {
  const all = errors ?? [];
  const precise = all.filter((e) => RULE_OF[e.keyword]);
  const chosen = precise.length ? precise : all;
  const seen = new Set<string>();
  const out: FieldFailure[] = [];
  for (const e of chosen) {
    const field = fieldOf(e);
    const rule = RULE_OF[e.keyword] ?? 'other';
    const key = `${field}\u0000${rule}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field, rule, value: rule === 'required' ? undefined : valueAt(doc, field), message: `${field} ${e.message ?? 'is invalid'}` });
  }
  return out;
}

export type DocValidator = (view: unknown) => FieldFailure[];

export function compileValidator(schema: JsonSchema): DocValidator {
  const ajv = createAjv({ allErrors: true, strict: false });
  let validate: ValidateFunction;
  try {
    // The draft-07 meta-schema URI is what A1's schema files declare; Ajv 8 knows it natively.
    validate = ajv.compile(schema);
  } catch (e) {
    throw new ConfigError(`the target JSON Schema does not compile: ${(e as Error).message}`);
  }
  // proofline's own lineage (`_proofline`) is validated only where the schema declares it:
  // it must never make a valid user document invalid (e.g. under additionalProperties: false).
  const declaresLineage = declares(schema, LINEAGE_KEY);
  return (view) => {
    const v = declaresLineage ? view : withoutLineage(view);
    return validate(v) ? [] : toFailures(validate.errors, v);
  };
}

function declares(schema: JsonSchema, key: string): boolean {
  const props = schema.properties as Record<string, unknown> | undefined;
  return Boolean(props && key in props);
}

function withoutLineage(view: unknown): unknown {
  if (view === null || typeof view !== 'object' || Array.isArray(view) || !(LINEAGE_KEY in view)) return view;
  const { [LINEAGE_KEY]: _lineage, ...rest } = view as Record<string, unknown>;
  return rest;
}

interface BsonLike {
  _bsontype?: string;
  toHexString?: () => string;
  toNumber?: () => number;
  toString(): string;
}

/**
 * The JSON view of a stored document, which is what the JSON Schema describes: BSON dates
 * become ISO strings (`format: date-time`), ObjectIds hex strings, Long/Decimal128 numbers.
 * `_id` is dropped unless the schema declares it: the server adds it, the schema need not.
 */
export function toJsonView(value: unknown, keepId = false): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Array.isArray(value)) return value.map((v) => toJsonView(v, true));
  if (value === null || typeof value !== 'object') return value;
  const bson = value as BsonLike;
  switch (bson._bsontype) {
    case 'ObjectId':
    case 'ObjectID':
      return bson.toHexString!();
    case 'Long':
      return bson.toNumber!();
    case 'Decimal128':
    case 'Double':
    case 'Int32':
      return Number(bson.toString());
    case undefined:
      break;
    default:
      return bson.toString();
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '_id' && !keepId) continue;
    out[k] = toJsonView(v, true);
  }
  return out;
}

export function schemaDeclaresId(schema: JsonSchema): boolean {
  return declares(schema, '_id');
}
