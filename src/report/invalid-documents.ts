import type { CheckResult } from '../checks/result.js';
import { SAMPLES_PER_RULE, type QuarantineReport, type QuarantineSample } from './quarantine.js';
import { esc } from './escape.js';

/**
 * "Which documents are bad", near the top of the report: per collection, rule and field,
 * up to N sample documents that fail the schema (id, value, message, where the record
 * came from), and the records the sync quarantined in `<collection>_rejects`, each with
 * its quarantine id so it can be found there.
 */


interface Location {
  file?: string;
  row?: number;
  url?: string;
  index?: number;
}

interface SchemaSample {
  _id: string;
  source: string;
  failures: { field: string; rule: string; value: unknown; message: string }[];
  document: unknown;
}

export function locationText(l: Location | undefined): string {
  if (!l) return '—';
  if (l.file) return `${l.file}${l.row !== undefined ? `, row ${l.row}` : ''}`;
  if (l.url) return `${l.url}${l.index !== undefined ? `, item ${l.index}` : ''}`;
  return '—';
}

const sameLocation = (a: Location | undefined, b: Location): boolean =>
  Boolean(a) && ((a!.file !== undefined && a!.file === b.file && a!.row === b.row) || (a!.url !== undefined && a!.url === b.url && a!.index === b.index));

const valueText = (v: unknown): string => {
  const s = v === undefined ? '(missing)' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

export const quarantineAnchor = (id: string): string => `q-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function schemaRows(results: CheckResult[], quarantine: QuarantineReport[]): string[] {
  const schema = results.find((r) => r.name === 'schema');
  const cols = (schema?.evidence.collections ?? []) as { collection: string; samples?: SchemaSample[] }[];
  const rows: string[] = [];
  for (const c of cols) {
    const q = quarantine.find((x) => x.collection === c.collection)?.groups.flatMap((g) => g.samples) ?? [];
    const perGroup = new Map<string, number>();
    for (const s of c.samples ?? []) {
      const loc = (s.document as { _proofline?: Location } | null)?._proofline;
      for (const f of s.failures) {
        const key = `${f.rule}|${f.field}`;
        const n = perGroup.get(key) ?? 0;
        if (n >= SAMPLES_PER_RULE) continue;
        perGroup.set(key, n + 1);
        const raw = q.find((x) => sameLocation(loc, x.location));
        rows.push(
          `<tr class="invalid-sample" data-collection="${esc(c.collection)}"><td>${esc(c.collection)}</td><td>${esc(f.rule)}</td><td><code>${esc(f.field)}</code></td><td><code>${esc(s._id)}</code></td><td class="val">${esc(valueText(f.value))}</td><td>${esc(f.message)}</td><td>${esc(s.source)}: ${esc(locationText(loc))}</td><td>${raw ? `<a href="#${quarantineAnchor(raw.id)}">${esc(raw.id)}</a>` : 'stored (not quarantined)'}</td></tr>`,
        );
      }
    }
  }
  return rows;
}

function quarantineRows(q: QuarantineReport[]): string[] {
  return q.flatMap((c) =>
    c.groups.flatMap((g) =>
      g.samples.map(
        (s: QuarantineSample, i) =>
          `<tr class="quarantine-sample" id="${quarantineAnchor(s.id)}">${i === 0 ? `<td rowspan="${g.samples.length}">${esc(c.collection)}<br><span class="muted">${g.count} record(s)</span></td><td rowspan="${g.samples.length}">${esc(g.rule)}</td><td rowspan="${g.samples.length}"><code>${esc(g.field)}</code></td>` : ''}<td class="val">${esc(valueText(s.value))}</td><td>${esc(s.message)}</td><td>${esc(s.stream)}: ${esc(locationText(s.location))}</td><td><code class="id">${esc(s.id)}</code></td></tr>`,
      ),
    ),
  );
}

export function invalidDocumentsHtml(results: CheckResult[], quarantine: QuarantineReport[] = []): string {
  const stored = schemaRows(results, quarantine);
  const quarantined = quarantineRows(quarantine);
  const total = quarantine.reduce((a, c) => a + c.total, 0);
  const parts: string[] = [];
  if (stored.length) {
    parts.push(
      `<h3>Stored documents that fail the schema (up to ${SAMPLES_PER_RULE} per rule and field)</h3><table class="invalid-samples"><tr><th>collection</th><th>rule</th><th>field</th><th>document _id</th><th>value</th><th>message</th><th>source: location</th><th>raw record in quarantine</th></tr>${stored.join('')}</table>`,
    );
  }
  if (quarantined.length) {
    parts.push(
      `<h3>Quarantined records: ${total} rejected at ingestion (up to ${SAMPLES_PER_RULE} per rule and field)</h3><p class="muted">Each raw record sits in <code>&lt;collection&gt;_rejects</code> (e.g. <code>${esc(quarantine[0]!.rejectsCollection)}</code>) under the quarantine _id shown, with the full raw record in <code>record_json</code>.</p><table class="quarantine-samples"><tr><th>collection</th><th>rule</th><th>field</th><th>value</th><th>message</th><th>stream: location</th><th>quarantine _id</th></tr>${quarantined.join('')}</table>`,
    );
  }
  if (!parts.length) return '';
  return `<section id="invalid-documents"><h2>Invalid documents</h2>${parts.join('')}</section>`;
}
