import type { CheckResult, Threshold } from '../checks/result.js';
import { figure, figureOrZeroRow } from './charts/render.js';
import { barSpec, histogramSpec, lagSpec, type BarRow, type LagPoint } from './charts/specs.js';
import { formatQuantity, formatThreshold, unitOf } from './format.js';

/** The charts drawn under each check's result, from its measurements and evidence. */

function thresholdOf(r: CheckResult, key: string): Threshold | undefined {
  return r.thresholds.find((t) => t.metric === key);
}

function thresholdValue(r: CheckResult, prefix: string): number | undefined {
  return r.thresholds.find((t) => t.metric.startsWith(prefix))?.value;
}

async function availabilityCharts(r: CheckResult): Promise<string[]> {
  const lat = (r.evidence.latencies_ms ?? {}) as Record<string, Record<string, number[]>>;
  const out: string[] = [];
  for (const [endpoint, ops] of Object.entries(lat)) {
    if (!ops.ping?.length) continue;
    const t = thresholdValue(r, `ping_ms_p95[${endpoint}]`);
    out.push(
      await figure({
        id: `ping-${endpoint}`,
        caption: `${endpoint}: ping round trip distribution, ${ops.ping.length} samples${t === undefined ? '' : ` (p95 threshold ${formatQuantity(t, 'ms')})`}`,
        spec: histogramSpec(ops.ping, 'ms', t === undefined ? undefined : { value: t, label: 'p95 threshold' }),
        values: ops.ping,
      }),
    );
  }
  const bars: BarRow[] = Object.entries(r.measurements)
    .filter(([k]) => k.startsWith('op_ms_p95['))
    .map(([k, m]) => ({ label: k.slice('op_ms_p95['.length, -1), value: m.value, group: m.labels?.endpoint ?? '', threshold: thresholdOf(r, k)?.value }));
  const limits = [...new Set(bars.map((b) => b.threshold).filter((t) => t !== undefined))].map((t) => `≤ ${formatQuantity(t!, 'ms')}`);
  if (bars.length) out.push(await figure({ id: 'op-latency', caption: `operation latency p95 per endpoint (threshold ${limits.join(', ') || 'none'}; red tick where it fits the chart)`, spec: barSpec(bars, 'ms'), values: bars }));
  return out;
}

async function replicationCharts(r: CheckResult): Promise<string[]> {
  const lag = (r.evidence.lag_samples_ms ?? {}) as Record<string, (number | null)[]>;
  const points: LagPoint[] = Object.entries(lag).flatMap(([series, samples]) => samples.map((ms, i) => ({ series, sample: i + 1, ms })));
  if (!points.length) return [];
  const timeout = typeof r.evidence.timeout_ms === 'number' ? r.evidence.timeout_ms : Math.max(1, ...points.map((p) => p.ms ?? 0));
  const missed = points.filter((p) => p.ms === null).length;
  const caption = `replication lag per marker sample${missed ? `: ${missed} marker(s) not seen within the ${formatQuantity(timeout, 'ms')} timeout (✕)` : ''}`;
  return [await figure({ id: 'replication-lag', caption, spec: lagSpec(points, timeout, thresholdValue(r, 'lag_ms_p95[')), values: points })];
}

interface SchemaCollection {
  collection: string;
  checked: number;
  invalid: number;
  by_rule: Record<string, number>;
  by_source: Record<string, { checked: number; invalid: number }>;
}

async function schemaCharts(r: CheckResult): Promise<string[]> {
  const cols = (r.evidence.collections ?? []) as SchemaCollection[];
  const threshold = r.thresholds.find((t) => t.metric.startsWith('invalid_rate['));
  const limit = threshold ? `threshold ${formatThreshold(threshold, 'rate')}` : 'no threshold';
  return Promise.all(
    cols.map((c) => {
      const rate = (n: number) => (c.checked ? n / c.checked : 0);
      const bars: BarRow[] = [
        { label: 'all documents', value: rate(c.invalid), group: 'total', threshold: threshold?.value },
        ...Object.entries(c.by_rule).map(([rule, n]) => ({ label: rule, value: rate(n), group: 'failure kind' })),
        ...Object.entries(c.by_source).map(([s, v]) => ({ label: `source ${s}`, value: v.checked ? v.invalid / v.checked : 0, group: 'source' })),
      ];
      return figureOrZeroRow(
        { id: `invalid-${c.collection}`, caption: `${c.collection}: invalid rate by failure kind and by source (${c.invalid} of ${c.checked} documents)`, spec: barSpec(bars, 'rate'), values: bars },
        bars.map((b) => b.value),
        `0 of ${c.checked} documents invalid, ${limit}`,
      );
    }),
  );
}

async function qualityCharts(r: CheckResult): Promise<string[]> {
  // Rates, counts and ages do not share a scale: one chart per metric, each bar with its own threshold.
  const byMetric = new Map<string, { bars: BarRow[]; thresholds: string[]; unit: string }>();
  for (const [k, m] of Object.entries(r.measurements)) {
    const metric = m.metric ?? k;
    const unit = unitOf(k, m);
    const entry = byMetric.get(metric) ?? { bars: [], thresholds: [], unit };
    const t = thresholdOf(r, k);
    entry.bars.push({ label: m.labels?.rule ?? k, value: m.value, threshold: t?.value });
    if (t) entry.thresholds.push(formatThreshold(t, unit));
    byMetric.set(metric, entry);
  }
  return Promise.all(
    [...byMetric].map(([metric, { bars, thresholds, unit }]) => {
      const limits = [...new Set(thresholds)];
      const title = metric.replace(/_ms$/, '').replace(/_/g, ' ');
      return figureOrZeroRow(
        { id: `quality-${metric}`, caption: `quality: ${title} per rule (threshold ${limits.join(', ') || 'none'}; red tick where it fits the chart)`, spec: barSpec(bars, unit), values: bars },
        bars.map((b) => b.value),
        `0 in all ${bars.length} rule(s), threshold ${limits.length ? limits.join(', ') : 'none'}`,
      );
    }),
  );
}

const CHARTS: Record<string, (r: CheckResult) => Promise<string[]>> = {
  availability: availabilityCharts,
  replication: replicationCharts,
  schema: schemaCharts,
  quality: qualityCharts,
};

export async function checkCharts(r: CheckResult): Promise<string> {
  return (await (CHARTS[r.name] ?? (async () => []))(r)).join('');
}
