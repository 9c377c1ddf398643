import type { CheckResult } from '../checks/result.js';
import { compare } from '../checks/result.js';
import { STATUS_TEXT, overallStatus, type ReportContext, type ReportSection } from './context.js';
import { checkCharts } from './check-charts.js';
import { esc } from './escape.js';
import { formatQuantity, formatThreshold, unitOf } from './format.js';
import { invalidDocumentsHtml } from './invalid-documents.js';

/**
 * A self-contained HTML report (inline CSS and SVG, no script, no network): it can be
 * attached to a ticket or archived as CI evidence and still open years later. The first
 * screen holds what a reviewer acts on: the verdict, what failed, which documents are bad.
 */

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1080px;color:#111;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}.pass{color:#15803d}.fail{color:#b91c1c}.warn{color:#b45309}.unsupported{color:#0e7490}
.badge{font-weight:700}.muted{color:#666}figure{margin:10px 0}figcaption{font-weight:600;margin-bottom:4px}
svg.chart{display:block;max-width:100%;height:auto}.zero-row{margin:4px 0;color:#333}
.failed{border-left:4px solid #b91c1c;padding:2px 10px;margin:8px 0}.failed li{margin:2px 0}
.charts{display:flex;flex-direction:column;gap:8px}pre{background:#f7f7f7;padding:8px;overflow:auto;max-height:320px}
td.val,code.id{font-family:ui-monospace,monospace;word-break:break-all}code.id{font-size:11px}
.invalid-samples,.quarantine-samples{font-size:13px}.invalid-samples td,.quarantine-samples td{overflow-wrap:anywhere}
@media print{body{max-width:none;margin:0}section{break-inside:auto}figure{break-inside:avoid}pre{max-height:none}}`;

function measurementsTable(r: CheckResult): string {
  const rows = Object.entries(r.measurements).map(([key, m]) => {
    const t = r.thresholds.find((x) => x.metric === key);
    const unit = unitOf(key, m);
    const verdict = t ? (m.value !== null && compare(m.value, t.op, t.value) ? 'pass' : (t.severity ?? 'fail')) : '';
    return `<tr><td><code>${esc(key)}</code></td><td>${esc(formatQuantity(m.value, unit))}</td><td>${t ? esc(formatThreshold(t, unit)) : ''}</td><td class="${verdict}">${esc(verdict)}</td></tr>`;
  });
  if (!rows.length) return '';
  return `<details><summary>${rows.length} measurements and thresholds</summary><table><tr><th>measurement</th><th>value</th><th>threshold</th><th>verdict</th></tr>${rows.join('')}</table></details>`;
}

function findingsList(r: CheckResult): string {
  if (!r.findings.length) return '';
  return `<ul>${r.findings.map((f) => `<li><span class="badge ${f.status}">${STATUS_TEXT[f.status]}</span> ${esc(f.message)}</li>`).join('')}</ul>`;
}

/** What failed, in one list under the verdict: the failing and warning findings of every check. */
function whatFailed(results: CheckResult[]): string {
  const items = results.flatMap((r) => r.findings.filter((f) => f.status === 'fail' || f.status === 'warn').map((f) => ({ check: r.name, ...f })));
  if (!items.length) return '<p class="pass" id="what-failed">Nothing failed: every check is within its thresholds.</p>';
  return `<div class="failed" id="what-failed"><strong>What failed</strong><ul>${items
    .map((f) => `<li><span class="badge ${f.status}">${STATUS_TEXT[f.status]}</span> <a href="#check-${esc(f.check)}">${esc(f.check)}</a>: ${esc(f.message)}</li>`)
    .join('')}</ul></div>`;
}

function serverLine(server: unknown): string {
  const s = (server as { server?: { flavor?: string; version?: string } } | undefined)?.server;
  return s ? `${esc(s.flavor ?? '')} (wire version ${esc(s.version ?? '?')})` : 'not probed';
}

const sectionHtml = (s: ReportSection): string => `<section><h2>${esc(s.title)}</h2>${s.html ?? (s.text ? `<pre>${esc(s.text)}</pre>` : '')}</section>`;

export async function renderHtml(results: CheckResult[], context: ReportContext = {}): Promise<string> {
  const overall = overallStatus(results);
  const generatedAt = context.generatedAt ?? new Date().toISOString();
  const summary = results
    .map((r) => `<tr><td><a href="#check-${r.name}">${r.name}</a></td><td class="badge ${r.status}">${STATUS_TEXT[r.status]}</td><td>${esc(r.summary)}</td><td>${esc(formatQuantity(r.durationMs, 'ms'))}</td></tr>`)
    .join('');
  const checks = (
    await Promise.all(
      results.map(
        async (r) =>
          `<section id="check-${r.name}"><h2>${r.name} — <span class="${r.status}">${STATUS_TEXT[r.status]}</span></h2><p>${esc(r.summary)}</p>${findingsList(r)}<div class="charts">${await checkCharts(r)}</div>${measurementsTable(r)}</section>`,
      ),
    )
  ).join('');
  const lead = (context.leadSections ?? []).map(sectionHtml).join('');
  const extra = (context.sections ?? []).map(sectionHtml).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>proofline report — ${esc(context.pipeline ?? 'checks')}</title><style>${CSS}</style></head><body>
<h1>proofline — ${esc(context.pipeline ?? 'check report')} <span class="badge ${overall}" data-overall="${overall}">${STATUS_TEXT[overall]}</span></h1>
<p class="muted">generated ${esc(generatedAt)} · server: ${serverLine(context.server)}</p>
${whatFailed(results)}
<table><tr><th>check</th><th>status</th><th>summary</th><th>duration</th></tr>${summary}</table>
${invalidDocumentsHtml(results, context.quarantine)}
${lead}${checks}${extra}
</body></html>
`;
}
