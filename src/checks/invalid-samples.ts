import type { RecordLocation } from '../store/rejects.js';
import { SAMPLES_PER_RULE, type QuarantineReport } from '../store/quarantine-samples.js';
import type { CheckResult } from './result.js';

/**
 * "Which documents are bad", in one shape for the report and the dashboard: from the
 * schema check's samples, per collection, rule and field, up to SAMPLES_PER_RULE stored
 * documents that fail (id, value, message, where the record came from), each matched to
 * its raw record in the quarantine when the sync quarantined one from the same place.
 */

export interface InvalidSample {
  collection: string;
  rule: string;
  field: string;
  /** The stored document's _id. */
  id: string;
  value: unknown;
  message: string;
  source: string;
  location?: RecordLocation;
  /** The `_id` of the raw record in `<collection>_rejects`, when one came from the same place. */
  quarantineId?: string;
}

interface SchemaSample {
  _id: string;
  source: string;
  failures: { field: string; rule: string; value: unknown; message: string }[];
  document: unknown;
}

export function locationText(l: RecordLocation | undefined): string {
  if (!l) return '—';
  if (l.file) return `${l.file}${l.row !== undefined ? `, row ${l.row}` : ''}`;
  if (l.url) return `${l.url}${l.index !== undefined ? `, item ${l.index}` : ''}`;
  return '—';
}

const sameLocation = (a: RecordLocation | undefined, b: RecordLocation): boolean =>
  Boolean(a) && ((a!.file !== undefined && a!.file === b.file && a!.row === b.row) || (a!.url !== undefined && a!.url === b.url && a!.index === b.index));

export function invalidSamples(schema: CheckResult | undefined, quarantine: QuarantineReport[] = []): InvalidSample[] {
  const cols = (schema?.evidence.collections ?? []) as { collection: string; samples?: SchemaSample[] }[];
  const out: InvalidSample[] = [];
  for (const c of cols) {
    const raw = quarantine.find((x) => x.collection === c.collection)?.groups.flatMap((g) => g.samples) ?? [];
    const perGroup = new Map<string, number>();
    for (const s of c.samples ?? []) {
      const location = (s.document as { _proofline?: RecordLocation } | null)?._proofline;
      for (const f of s.failures) {
        const key = `${f.rule}|${f.field}`;
        const n = perGroup.get(key) ?? 0;
        if (n >= SAMPLES_PER_RULE) continue;
        perGroup.set(key, n + 1);
        const q = location ? raw.find((x) => sameLocation(location, x.location)) : undefined;
        out.push({
          collection: c.collection,
          rule: f.rule,
          field: f.field,
          id: s._id,
          value: f.value,
          message: f.message,
          source: s.source,
          ...(location ? { location } : {}),
          ...(q ? { quarantineId: q.id } : {}),
        });
      }
    }
  }
  return out;
}
