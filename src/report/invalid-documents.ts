import type { CheckResult } from '../checks/result.js';
import { SAMPLES_PER_RULE, type QuarantineReport, type QuarantineSample } from '../store/quarantine-samples.js';
import { invalidSamples, locationText } from '../checks/invalid-samples.js';
import { esc } from './escape.js';

/**
 * "Which documents are bad", near the top of the report: per collection, rule and field,
 * up to N sample documents that fail the schema (id, value, message, where the record
 * came from), and the records the sync quarantined in `<collection>_rejects`, each with
 * its quarantine id so it can be found there.
 */


const valueText = (v: unknown): string => {
  const s = v === undefined ? '(missing)' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

export const quarantineAnchor = (id: string): string => `q-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;

function schemaRows(results: CheckResult[], quarantine: QuarantineReport[]): string[] {
  return invalidSamples(
    results.find((r) => r.name === 'schema'),
    quarantine,
  ).map(
    (s) =>
      `<tr class="invalid-sample" data-collection="${esc(s.collection)}"><td>${esc(s.collection)}</td><td>${esc(s.rule)}</td><td><code>${esc(s.field)}</code></td><td><code>${esc(s.id)}</code></td><td class="val">${esc(valueText(s.value))}</td><td>${esc(s.message)}</td><td>${esc(s.source)}: ${esc(locationText(s.location))}</td><td>${s.quarantineId ? `<a href="#${quarantineAnchor(s.quarantineId)}">${esc(s.quarantineId)}</a>` : 'stored (not quarantined)'}</td></tr>`,
  );
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
