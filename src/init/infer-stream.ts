import { createCompoundSchema, type Schema } from 'genson-js';
import { toJsonView } from '../model/schema.js';
import type { JsonObject } from '../protocol/messages.js';
import type { ColumnType } from '../config/streams.js';
import { jsonTypeOf } from '../sync/schema-drift.js';
import type { MappingDeclaration } from '../transform/declarative/spec.js';
import { streamMapper } from '../transform/mapper.js';
import { describeParse, guessTextColumn, type ParseGuess } from './column-guess.js';
import { guessedMapping, storedType } from './guessed-mapping.js';
import type { FileSample } from './sample-file.js';

/**
 * From a file's sample to what a starter stream needs: the columns with their guessed
 * parse, the mapping that applies those parses, a JSON Schema of the documents that
 * mapping stores (structure inferred by genson-js over the mapped sample, each column's
 * type the one its parse stores, so the odd value is rejected rather than allowed), the
 * primary-key candidates unique in the sample, a cursor, and the expected columns for
 * drift. Everything uncertain is returned as a note for a YAML comment.
 */

export interface ColumnInfo {
  name: string;
  type: ColumnType;
  parse: ParseGuess;
  misfits: string[];
  filled: number;
}

export interface KeyCandidate {
  fields: string[];
  /** Sampled records sharing a key value with an earlier one. */
  repeats: number;
}

export interface InferredStream {
  columns: ColumnInfo[];
  mapping: MappingDeclaration;
  schema: JsonObject;
  keys: KeyCandidate[];
  cursor?: string;
  notes: string[];
}

const KEY_HINT = /(^|_)(id|key|code|station|sensor|device|site|time|date|ts|timestamp|datetime)($|_)|id$/i;

function majorityType(values: unknown[]): { type: string | undefined; misfits: string[] } {
  const counts = new Map<string, number>();
  for (const v of values) {
    const t = jsonTypeOf(v) === 'integer' ? 'number' : jsonTypeOf(v);
    if (t !== 'null') counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const misfits = values.filter((v) => v !== null && v !== undefined && (jsonTypeOf(v) === 'integer' ? 'number' : jsonTypeOf(v)) !== best).map((v) => JSON.stringify(v));
  return { type: best, misfits };
}

function columnsOf(records: JsonObject[]): ColumnInfo[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    for (const k of Object.keys(r)) {
      if (seen.has(k)) continue;
      seen.add(k);
      names.push(k);
    }
  }
  return names.map((name) => {
    const values = records.map((r) => r[name]);
    const filled = values.filter((v) => v !== null && v !== undefined && v !== '').length;
    const { type, misfits } = majorityType(values);
    if (type === 'string') {
      const g = guessTextColumn(values.filter((v): v is string => typeof v === 'string'));
      return { name, type: 'string', parse: g.parse, misfits: g.misfits, filled };
    }
    const allIntegers = values.every((v) => v === null || v === undefined || Number.isInteger(v));
    const colType: ColumnType = type === undefined ? 'any' : type === 'number' && allIntegers ? 'integer' : (type as ColumnType);
    const parse: ParseGuess =
      type === 'number' ? (allIntegers ? { parse: 'integer' } : { parse: 'number', decimal: '.' }) : type === 'boolean' ? { parse: 'boolean' } : type === undefined ? { parse: 'empty' } : { parse: 'text' };
    return { name, type: colType, parse, misfits, filled };
  });
}

function keyCandidates(records: JsonObject[], columns: ColumnInfo[]): KeyCandidate[] {
  const n = records.length;
  // A key part is always filled and is not a measurement (decimals), a flag or an empty column.
  const eligible = columns.filter((c) => c.filled === n && n > 0 && !(c.parse.parse === 'number' || c.parse.parse === 'boolean' || c.parse.parse === 'empty')).slice(0, 12);
  const repeatsOf = (fields: string[]): number => n - new Set(records.map((r) => JSON.stringify(fields.map((f) => r[f])))).size;
  const sets: string[][] = [...eligible.map((c) => [c.name]), ...eligible.flatMap((a, i) => eligible.slice(i + 1).map((b) => [a.name, b.name]))];
  const limit = Math.max(1, Math.floor(n * 0.05));
  const hinted = (fields: string[]): number => fields.filter((f) => KEY_HINT.test(f)).length / fields.length;
  return sets
    .map((fields) => ({ fields, repeats: repeatsOf(fields) }))
    .filter((k) => k.repeats <= limit)
    .sort((a, b) => hinted(b.fields) - hinted(a.fields) || a.repeats - b.repeats || a.fields.length - b.fields.length)
    .slice(0, 3);
}

/** The sample as the guessed mapping stores it (JSON view, lineage left out); records it rejects are left out. */
async function mappedSample(records: JsonObject[], mapping: MappingDeclaration, stream: string): Promise<JsonObject[]> {
  const mapper = streamMapper(mapping as unknown as Record<string, unknown>, process.cwd(), stream);
  const ctx = { runId: 'init', stream, ingestedAt: new Date() };
  const docs: JsonObject[] = [];
  for (const r of records) {
    const o = await mapper.map(r, ctx);
    if (!o.ok) continue;
    const { _proofline: _lineage, ...doc } = o.doc;
    docs.push(toJsonView(doc) as JsonObject);
  }
  return docs;
}

/** genson-js for the structure; each column's type from what its parse stores, null allowed where the sample had none. */
function schemaOf(docs: JsonObject[], columns: ColumnInfo[], title: string): JsonObject {
  const inferred: Schema = createCompoundSchema(docs);
  const properties: Record<string, unknown> = {};
  for (const c of columns) {
    const fromGenson = inferred.properties?.[c.name] ?? {};
    const stored = storedType(c);
    const { anyOf: _anyOf, type: _t, ...rest } = fromGenson as Schema & Record<string, unknown>;
    const nullable = docs.some((d) => d[c.name] === null || d[c.name] === undefined);
    properties[c.name] = stored.type ? { ...rest, ...stored, type: nullable ? [stored.type, 'null'] : stored.type } : {};
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', title, type: 'object', required: columns.map((c) => c.name), properties } as JsonObject;
}

/** `zone`: where local date-times in the file were written (IANA name). */
export async function inferStream(sample: FileSample, title: string, zone: string): Promise<InferredStream> {
  const columns = columnsOf(sample.records);
  const mapping = guessedMapping(columns, zone);
  const keys = keyCandidates(sample.records, columns);
  const notes: string[] = [];
  if (sample.unparseable) notes.push(`${sample.unparseable} line(s) of the sample could not be parsed: a sync rejects them with their line number`);
  for (const c of columns) {
    if (c.misfits.length) notes.push(`check: ${c.name}: ${c.misfits.length} sampled value(s) do not fit "${describeParse(c.parse)}" (e.g. ${c.misfits.slice(0, 2).join(', ')}): a sync rejects them`);
    if (c.parse.parse === 'empty') notes.push(`check: ${c.name} is empty in the whole sample: its type is unknown (any)`);
  }
  if (!keys.length) notes.push('check: no column or pair of columns is unique in the sample: no primary key, the stream appends');
  else if (keys[0]!.repeats) notes.push(`check: ${keys[0]!.fields.join(' + ')} repeats ${keys[0]!.repeats} time(s) in the sample: a sync keeps one record per key (the newest by cursor, else the one read last) and counts the others as duplicate`);
  const key = keys[0]?.fields ?? [];
  const cursor = columns.find((c) => !key.includes(c.name) && c.parse.parse === 'datetime' && c.parse.offset)?.name;
  const schema = schemaOf(await mappedSample(sample.records, mapping, title), columns, title);
  return { columns, mapping, schema, keys, ...(cursor ? { cursor } : {}), notes };
}
