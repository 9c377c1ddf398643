import { createCompoundSchema, type Schema } from 'genson-js';
import type { JsonObject } from '../protocol/messages.js';
import { jsonTypeOf, type ColumnType } from '../sync/schema-drift.js';
import { describeParse, guessTextColumn, type ParseGuess } from './column-guess.js';
import type { FileSample } from './sample-file.js';

/**
 * From a file's sample to what a starter stream needs: the columns with their guessed
 * parse, a JSON Schema (structure inferred by genson-js, each column's type set to the one
 * most of its values have so that the odd value is rejected rather than allowed), the
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
    const parse: ParseGuess = type === 'number' ? (allIntegers ? { parse: 'integer' } : { parse: 'number', decimal: '.' }) : type === undefined ? { parse: 'empty' } : { parse: 'text' };
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

/** genson-js for the structure; the top-level types from each column's majority. */
function schemaOf(records: JsonObject[], columns: ColumnInfo[], title: string): JsonObject {
  const inferred: Schema = createCompoundSchema(records);
  const properties: Record<string, unknown> = {};
  for (const c of columns) {
    const fromGenson = inferred.properties?.[c.name] ?? {};
    const type = c.type === 'any' ? undefined : c.type;
    const { anyOf: _anyOf, type: _t, ...rest } = fromGenson as Schema & Record<string, unknown>;
    properties[c.name] = type ? { ...rest, type: c.filled < records.length ? [type, 'null'] : type } : {};
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', title, type: 'object', ...(inferred.required?.length ? { required: inferred.required } : {}), properties } as JsonObject;
}

export function inferStream(sample: FileSample, title: string): InferredStream {
  const columns = columnsOf(sample.records);
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
  return { columns, schema: schemaOf(sample.records, columns, title), keys, ...(cursor ? { cursor } : {}), notes };
}
