import type { CheckResult, Threshold } from '../checks/result.js';
import { compare } from '../checks/result.js';
import { STATUS_TEXT, overallStatus, type ReportContext } from './context.js';
import { barChart, esc, histogram, lineChart, type Bar } from './svg.js';

/**
 * A self-contained HTML report (inline CSS and SVG, no script, no network): it can be
 * attached to a ticket or archived as CI evidence and still open years later.
 */

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1080px;color:#111;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f5f5f5}.pass{color:#15803d}.fail{color:#b91c1c}.warn{color:#b45309}.unsupported{color:#0e7490}
.badge{font-weight:700}.muted{color:#666}figure{margin:12px 0}figcaption{font-weight:600;margin-bottom:4px}
svg.chart{display:block;width:100%;height:auto;background:#fff;border:1px solid #eee}.grid{stroke:#eee}.baseline{stroke:#999}
.tick{font-size:10px;fill:#555}.axis-title{font-size:11px}.legend{font-size:11px}.all-zero{font-size:12px;fill:#666}
line.threshold{stroke:#dc2626;stroke-dasharray:6 4;stroke-width:1.5}.threshold-label,text.threshold{font-size:10px;fill:#dc2626}
.chart-key{font-size:12px;color:#444;columns:2;margin:4px 0 0}
.charts{display:flex;flex-direction:column;gap:12px}pre{background:#f7f7f7;padding:8px;overflow:auto;max-height:320px}`;

function thresholdOf(r: CheckResult, key: string): Threshold | undefined {
  return r.thresholds.find((t) => t.metric === key);
}

function measurementsTable(r: CheckResult): string {
  const rows = Object.entries(r.measurements).map(([key, m]) => {
    const t = thresholdOf(r, key);
    const verdict = t ? (m.value !== null && compare(m.value, t.op, t.value) ? 'pass' : (t.severity ?? 'fail')) : '';
    return `<tr><td><code>${esc(key)}</code></td><td>${m.value ?? 'n/a'}${m.unit ? ` ${esc(m.unit)}` : ''}</td><td>${t ? `${esc(t.op)} ${t.value}` : ''}</td><td class="${verdict}">${esc(verdict)}</td></tr>`;
  });
  if (!rows.length) return '';
  return `<details><summary>${rows.length} measurements and thresholds</summary><table><tr><th>measurement</th><th>value</th><th>threshold</th><th>verdict</th></tr>${rows.join('')}</table></details>`;
}

function findingsList(r: CheckResult): string {
  if (!r.findings.length) return '';
  return `<ul>${r.findings.map((f) => `<li><span class="badge ${f.status}">${STATUS_TEXT[f.status]}</span> ${esc(f.message)}</li>`).join('')}</ul>`;
}

function thresholdValue(r: CheckResult, prefix: string): number | undefined {
  return r.thresholds.find((t) => t.metric.startsWith(prefix))?.value;
}

function availabilityCharts(r: CheckResult): string {
  const lat = (r.evidence.latencies_ms ?? {}) as Record<string, Record<string, number[]>>;
  const out: string[] = [];
  for (const [endpoint, ops] of Object.entries(lat)) {
    if (ops.ping?.length) out.push(histogram(`ping-${endpoint}`, `${endpoint}: ping round trip distribution (ms)`, ops.ping, { unit: 'ms', threshold: thresholdValue(r, `ping_ms_p95[${endpoint}]`), thresholdLabel: 'p95 threshold' }));
  }
  const bars: Bar[] = Object.entries(r.measurements)
    .filter(([k]) => k.startsWith('op_ms_p95['))
    .map(([k, m]) => ({ label: k.slice('op_ms_p95['.length, -1), value: m.value, group: m.labels?.endpoint ?? '', threshold: thresholdOf(r, k)?.value }));
  if (bars.length) out.push(barChart('op-latency', 'operation latency p95 per endpoint (ms; red tick: threshold)', bars, { unit: 'ms' }));
  return out.join('');
}

function replicationCharts(r: CheckResult): string {
  const lag = (r.evidence.lag_samples_ms ?? {}) as Record<string, (number | null)[]>;
  const series = Object.entries(lag).map(([name, points]) => ({ name, points }));
  if (!series.some((s) => s.points.length)) return '';
  return lineChart('replication-lag', 'replication lag over the marker samples (ms; ✕ = not visible within the timeout)', series, {
    unit: 'ms',
    threshold: thresholdValue(r, 'lag_ms_p95['),
    thresholdLabel: 'p95 threshold',
  });
}

function schemaCharts(r: CheckResult): string {
  const cols = (r.evidence.collections ?? []) as { collection: string; checked: number; invalid: number; by_rule: Record<string, number>; by_source: Record<string, { checked: number; invalid: number }> }[];
  const threshold = thresholdValue(r, 'invalid_rate[');
  return cols
    .map((c) => {
      const rate = (n: number) => (c.checked ? n / c.checked : 0);
      const byRule = Object.entries(c.by_rule).map(([rule, n]) => ({ label: rule, value: rate(n), group: 'rule' }));
      const bySource = Object.entries(c.by_source).map(([s, v]) => ({ label: `source ${s}`, value: v.checked ? v.invalid / v.checked : 0, group: 'source' }));
      const bars = [{ label: 'all documents', value: rate(c.invalid), group: 'total' }, ...byRule, ...bySource];
      return barChart(`invalid-${c.collection}`, `${c.collection}: invalid rate, by failure kind and by source (${c.invalid}/${c.checked} documents)`, bars, {
        unit: 'rate',
        threshold,
        thresholdLabel: 'max invalid rate',
      });
    })
    .join('');
}

function qualityCharts(r: CheckResult): string {
  // Rates and counts do not share a scale: one chart per metric, each bar with its own threshold tick.
  const byMetric = new Map<string, Bar[]>();
  for (const [k, m] of Object.entries(r.measurements)) {
    const metric = m.metric ?? k;
    const list = byMetric.get(metric) ?? [];
    list.push({ label: m.labels?.rule ?? k, value: m.value, threshold: thresholdOf(r, k)?.value });
    byMetric.set(metric, list);
  }
  return [...byMetric]
    .map(([metric, bars]) => barChart(`quality-${metric}`, `quality: ${metric.replace(/_/g, ' ')} per rule (red tick: threshold)`, bars, chartUnit(metric)))
    .join('');
}

function chartUnit(metric: string): { unit: string; integer: boolean } {
  if (metric.endsWith('_ms')) return { unit: 'ms', integer: false };
  if (metric.includes('rate')) return { unit: 'rate', integer: false };
  return { unit: 'count', integer: true };
}

const CHARTS: Record<string, (r: CheckResult) => string> = {
  availability: availabilityCharts,
  replication: replicationCharts,
  schema: schemaCharts,
  quality: qualityCharts,
};

function serverLine(server: unknown): string {
  const s = (server as { server?: { flavor?: string; version?: string } } | undefined)?.server;
  return s ? `${esc(s.flavor ?? '')} (wire version ${esc(s.version ?? '?')})` : 'not probed';
}

export function renderHtml(results: CheckResult[], context: ReportContext = {}): string {
  const overall = overallStatus(results);
  const generatedAt = context.generatedAt ?? new Date().toISOString();
  const summary = results
    .map((r) => `<tr><td><a href="#check-${r.name}">${r.name}</a></td><td class="badge ${r.status}">${STATUS_TEXT[r.status]}</td><td>${esc(r.summary)}</td><td>${(r.durationMs / 1000).toFixed(2)} s</td></tr>`)
    .join('');
  const checks = results
    .map(
      (r) => `<section id="check-${r.name}"><h2>${r.name} — <span class="${r.status}">${STATUS_TEXT[r.status]}</span></h2><p>${esc(r.summary)}</p>${findingsList(r)}<div class="charts">${(CHARTS[r.name] ?? (() => ''))(r)}</div>${measurementsTable(r)}</section>`,
    )
    .join('');
  const extra = (context.sections ?? [])
    .map((s) => `<section><h2>${esc(s.title)}</h2>${s.html ?? (s.text ? `<pre>${esc(s.text)}</pre>` : '')}</section>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>proofline report — ${esc(context.pipeline ?? 'checks')}</title><style>${CSS}</style></head><body>
<h1>proofline — ${esc(context.pipeline ?? 'check report')} <span class="badge ${overall}" data-overall="${overall}">${STATUS_TEXT[overall]}</span></h1>
<p class="muted">generated ${esc(generatedAt)} · server: ${serverLine(context.server)}</p>
<table><tr><th>check</th><th>status</th><th>summary</th><th>duration</th></tr>${summary}</table>
${checks}${extra}
</body></html>
`;
}
