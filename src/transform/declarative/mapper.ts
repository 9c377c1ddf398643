import type { JsonObject } from '../../protocol/messages.js';
import { lineage, sourceError, stripBookkeeping } from '../lineage.js';
import type { FieldFailure, MapContext, MapOutcome, StreamMapper } from '../types.js';
import { cleanText } from '../../common/text.js';
import { round } from '../numbers.js';
import { looseIndex } from './columns.js';
import type { CompiledMapping, FieldProgram } from './compile.js';
import type { Parse } from './parses.js';

/**
 * A compiled mapping declaration as a Mapper. Every field is evaluated even after one has
 * failed, so a rejected record lists ALL its problems, each naming the source column and
 * its raw value. Fields run in declaration order: a `compute` sees the fields above it.
 * Only a mapping with `compute` fields is asynchronous (JSONata evaluates with promises).
 */

// A required field left empty: a missing time is a bad time, anything else is `required`.
const TIME_PARSES = new Set(['datetime', 'local_time']);

interface Run {
  data: JsonObject;
  file: string;
  index: Map<string, string> | undefined;
  doc: Record<string, unknown>;
  failures: FieldFailure[];
}

function isEmpty(p: FieldProgram, v: unknown): boolean {
  if (v === null || v === undefined) return true;
  return typeof v === 'string' && p.empty.has(cleanText(v).toLowerCase());
}

// Constants and defaults are shared by every document: objects are copied, primitives need not be.
const copy = (v: unknown): unknown => (v !== null && typeof v === 'object' ? structuredClone(v) : v);

function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  if (!path.includes('.')) {
    doc[path] = value;
    return;
  }
  const parts = path.split('.');
  let cur = doc;
  for (const part of parts.slice(0, -1)) {
    const next = cur[part];
    cur = (next !== null && typeof next === 'object' && !Array.isArray(next) ? next : (cur[part] = {})) as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

/** Parse → lookup → convert → round one value; failures are recorded, the value set when good. */
function finish(p: FieldProgram, parse: Parse | undefined, value: unknown, column: string, r: Run): void {
  if (isEmpty(p, value)) {
    if (p.required) {
      const rule = p.parseName && TIME_PARSES.has(p.parseName) ? 'time_format' : 'required';
      r.failures.push({ field: column, rule, value: value ?? null, message: `${column} is empty and ${p.target} is required` });
    }
    setPath(r.doc, p.target, copy(p.default));
    return;
  }
  let v = value;
  if (parse) {
    const out = parse(value, r.data, r.file);
    if (!out.ok) {
      const rule = p.rejectAs && out.rule.endsWith('_format') ? p.rejectAs : out.rule;
      r.failures.push({ field: column, rule, value, message: out.message });
      return;
    }
    v = out.value;
  }
  if (p.lookup && v !== null) {
    const row = p.lookup.table.get(String(v));
    if (!row) {
      r.failures.push({ field: column, rule: 'lookup', value, message: `"${String(v)}" is not in reference table ${p.lookup.name}` });
      return;
    }
    v = p.lookup.column === undefined ? row : (row[p.lookup.column] ?? null);
  }
  if (typeof v === 'number') {
    if (p.convert) v = p.convert(v);
    if (p.round !== undefined) v = round(v as number, p.round);
  }
  setPath(r.doc, p.target, v);
}

export function declarativeMapper(name: string, m: CompiledMapping): StreamMapper {
  const parses = m.fields.map((p) => p.newParse?.());
  const start = (data: JsonObject): Run => {
    const file = typeof data._ab_source_file_url === 'string' ? data._ab_source_file_url : '';
    const doc: Record<string, unknown> = {};
    if (m.keepUnmapped) for (const [k, v] of Object.entries(stripBookkeeping(data))) if (!m.readColumns.has(k)) doc[k] = v;
    return { data, file, index: m.loose ? looseIndex(data) : undefined, doc, failures: [] };
  };
  const syncField = (i: number, r: Run): void => {
    const p = m.fields[i]!;
    if (p.read) {
      const { column, value } = p.read(r.data, r.index);
      finish(p, parses[i], value, column, r);
    } else finish(p, parses[i], copy(p.constant), p.target, r);
  };
  const end = (r: Run, data: JsonObject, ctx: MapContext): MapOutcome => {
    if (r.failures.length) return { ok: false, failures: r.failures };
    const source = m.source ?? (typeof data._pl_source === 'string' ? data._pl_source : ctx.stream);
    r.doc._proofline = lineage(data, source, ctx);
    return { ok: true, doc: r.doc };
  };
  if (!m.async) {
    return {
      name,
      map(data, ctx) {
        const failure = sourceError(data);
        if (failure) return { ok: false, failures: failure };
        const r = start(data);
        for (let i = 0; i < m.fields.length; i++) syncField(i, r);
        return end(r, data, ctx);
      },
    };
  }
  return {
    name,
    async map(data, ctx) {
      const failure = sourceError(data);
      if (failure) return { ok: false, failures: failure };
      const r = start(data);
      for (let i = 0; i < m.fields.length; i++) {
        const p = m.fields[i]!;
        if (!p.compute) {
          syncField(i, r);
          continue;
        }
        let value: unknown;
        try {
          value = await p.compute.evaluate(r.doc, { source: data });
        } catch (e) {
          r.failures.push({ field: p.target, rule: 'compute', value: null, message: (e as Error).message });
          continue;
        }
        finish(p, parses[i], value === undefined ? null : value, p.target, r);
      }
      return end(r, data, ctx);
    },
  };
}
