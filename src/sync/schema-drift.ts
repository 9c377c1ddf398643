import type { JsonObject } from '../protocol/messages.js';
import { stripBookkeeping } from '../transform/lineage.js';
import type { ColumnType, DriftPolicy } from '../config/streams.js';

/**
 * Schema drift: what a source delivered compared with the columns the stream expects
 * (`expected_columns` of the stream: column → JSON type, or `any`). Per record: a field
 * the stream does not expect (`new`), an expected one absent from the record (`missing`,
 * e.g. an export whose Temperature column was dropped, which would otherwise become
 * silent nulls), or a value whose JSON type differs from the expected one
 * (`type_changed`; null is an empty value, not a type change; an integer is a number).
 * What to do about it is the stream's `drift` policy, after dlt's schema contracts:
 * `warn` (report, write anyway), `fail` (report, write, and fail the run: exit 1),
 * `quarantine` (reject the drifting records, rule `drift`).
 */

export const DRIFT_KINDS = Object.freeze(['new', 'missing', 'type_changed'] as const);
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface DriftFinding {
  field: string;
  kind: DriftKind;
  expected?: ColumnType;
  seen?: string;
}

/** One drifting field of a run, with how many records showed it. */
export interface DriftField extends DriftFinding {
  records: number;
}

export interface DriftReport {
  policy: DriftPolicy;
  /** Every drifting field, by kind then name. */
  fields: DriftField[];
  /** Number of drifting fields per kind (what the monitor's gauge shows). */
  byKind: Record<DriftKind, number>;
}

export function jsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function compatible(expected: ColumnType, seen: string): boolean {
  return expected === 'any' || seen === 'null' || seen === expected || (expected === 'number' && seen === 'integer');
}

/** The source's own fields of a raw record: an Airbyte raw record unwrapped, bookkeeping keys left out. */
export function sourceFields(raw: JsonObject): JsonObject | undefined {
  if (raw._proofline_error !== undefined) return undefined; // unparseable: the parse reject says why
  let data: unknown = raw._airbyte_data ?? raw;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return undefined;
    }
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const out = stripBookkeeping(data as JsonObject);
  for (const k of Object.keys(out)) if (k.startsWith('_airbyte_')) delete out[k];
  return out;
}

export function diffRecord(fields: JsonObject, expected: Readonly<Record<string, ColumnType>>): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const [field, type] of Object.entries(expected)) {
    if (!(field in fields)) out.push({ field, kind: 'missing', expected: type });
    else {
      const seen = jsonTypeOf(fields[field]);
      if (!compatible(type, seen)) out.push({ field, kind: 'type_changed', expected: type, seen });
    }
  }
  for (const field of Object.keys(fields)) if (!Object.hasOwn(expected, field)) out.push({ field, kind: 'new', seen: jsonTypeOf(fields[field]) });
  return out;
}

export const describeFinding = (f: DriftFinding): string =>
  f.kind === 'new' ? `new field ${f.field}` : f.kind === 'missing' ? `missing field ${f.field}` : `field ${f.field} changed type: expected ${f.expected}, seen ${f.seen}`;

/** Drift of one stream over one run: each record diffed, the fields aggregated (memory: one entry per drifting field). */
export class DriftTracker {
  private readonly seen = new Map<string, DriftField>();

  constructor(
    private readonly expected: Readonly<Record<string, ColumnType>>,
    readonly policy: DriftPolicy,
  ) {}

  observe(raw: JsonObject): DriftFinding[] {
    const fields = sourceFields(raw);
    if (!fields) return [];
    const findings = diffRecord(fields, this.expected);
    for (const f of findings) {
      const key = `${f.kind}\u0000${f.field}\u0000${f.seen ?? ''}`;
      const agg = this.seen.get(key);
      if (agg) agg.records += 1;
      else this.seen.set(key, { ...f, records: 1 });
    }
    return findings;
  }

  report(): DriftReport {
    const fields = [...this.seen.values()].sort((a, b) => DRIFT_KINDS.indexOf(a.kind) - DRIFT_KINDS.indexOf(b.kind) || a.field.localeCompare(b.field));
    const byKind = { new: 0, missing: 0, type_changed: 0 };
    for (const k of DRIFT_KINDS) byKind[k] = new Set(fields.filter((f) => f.kind === k).map((f) => f.field)).size;
    return { policy: this.policy, fields, byKind };
  }
}

/** One line for logs, the summary and errors: "new field wind (3 records); missing field temp (3 records)". */
export function describeDrift(r: DriftReport): string {
  return r.fields.map((f) => `${describeFinding(f)} (${f.records} record${f.records === 1 ? '' : 's'})`).join('; ');
}
