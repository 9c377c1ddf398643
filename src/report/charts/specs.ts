import type { TopLevelSpec } from 'vega-lite';
import { formatQuantity } from '../format.js';

/**
 * The report's chart shapes as Vega-Lite specs. Axes carry their unit: durations read as
 * ms / s / min / h / d with the same cut-offs as formatMs, rates as percent.
 */

export const WIDTH = 860;
const RED = '#dc2626';
const CONFIG = { font: 'system-ui, sans-serif', axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { orient: 'bottom' as const }, view: { stroke: '#eee' } };

const DURATION_LABEL =
  "datum.value >= 86400000 ? format(datum.value / 86400000, '.3~r') + ' d' : datum.value >= 3600000 ? format(datum.value / 3600000, '.3~r') + ' h' : datum.value >= 60000 ? format(datum.value / 60000, '.3~r') + ' min' : datum.value >= 1000 ? format(datum.value / 1000, '.3~r') + ' s' : format(datum.value, '.3~r') + ' ms'";

/** A quantitative axis that prints the unit on every label. */
export function valueAxis(unit: string, title?: string): Record<string, unknown> {
  if (unit === 'ms') return { title: title ?? 'duration', labelExpr: DURATION_LABEL };
  if (unit === 'rate') return { title: title ?? 'rate', format: '.2~%' };
  return { title: title ?? unit, ...(unit && unit !== 'rate' ? { tickMinStep: 1, format: 'd' } : {}) };
}

export interface BarRow {
  label: string;
  value: number | null;
  group?: string;
  threshold?: number;
}

/** One bar per label; a red tick at each bar's own threshold (when it lies near the data). */
export function barSpec(rows: BarRow[], unit: string): TopLevelSpec {
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  // A threshold far above the data would flatten the bars; it is printed in the label instead.
  const values = rows.map((r) => ({
    ...r,
    // Two label lines: what, then how much (the threshold is in the caption and the red tick).
    shown: `${r.label}\n${formatQuantity(r.value, unit)}`,
    tick: r.threshold !== undefined && (max === 0 || r.threshold <= max * 2) ? r.threshold : null,
  }));
  return {
    width: WIDTH,
    height: 180,
    config: CONFIG,
    data: { values },
    encoding: { x: { field: 'shown', type: 'nominal', sort: null, title: null, axis: { labelAngle: 0, labelLimit: Math.max(120, WIDTH / Math.max(1, rows.length) - 8), labelExpr: "split(datum.label, '\\n')" } } },
    layer: [
      { mark: { type: 'bar', tooltip: true }, encoding: { y: { field: 'value', type: 'quantitative', axis: valueAxis(unit) }, color: rows.some((r) => r.group) ? { field: 'group', type: 'nominal', title: null } : { value: '#2563eb' } } },
      { mark: { type: 'tick', color: RED, thickness: 2, size: 40 }, transform: [{ filter: 'datum.tick !== null' }], encoding: { y: { field: 'tick', type: 'quantitative' } } },
    ],
  };
}

export interface GroupedRow {
  category: string;
  series: string;
  value: number;
}

/** Bars per category, one colour per series, each with its value printed (small counts beside large ones). */
export function groupedBarSpec(rows: GroupedRow[], unit: string, seriesOrder: readonly string[]): TopLevelSpec {
  return {
    width: WIDTH,
    height: 200,
    config: CONFIG,
    data: { values: rows },
    encoding: {
      x: { field: 'category', type: 'nominal', title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'series', sort: [...seriesOrder] },
      y: { field: 'value', type: 'quantitative', axis: valueAxis(unit) },
    },
    layer: [
      { mark: 'bar', encoding: { color: { field: 'series', type: 'nominal', sort: [...seriesOrder], title: null } } },
      { mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { text: { field: 'value', type: 'quantitative' } } },
    ],
  };
}

/** Distribution of samples (latencies, field values) in up to 20 bins; the threshold as a red rule when it lies in range. */
export function histogramSpec(samples: number[], unit: string, threshold?: { value: number; label: string }): TopLevelSpec {
  const max = Math.max(...samples);
  const rule = threshold && threshold.value <= max * 1.5 ? [{ t: threshold.value, label: `${threshold.label} ${formatQuantity(threshold.value, unit)}` }] : [];
  return {
    width: WIDTH,
    height: 140,
    config: CONFIG,
    layer: [
      {
        data: { values: samples.map((v) => ({ v })) },
        mark: { type: 'bar', color: '#2563eb' },
        encoding: { x: { field: 'v', type: 'quantitative', bin: { maxbins: 20 }, axis: valueAxis(unit, unit === 'ms' ? 'round trip' : 'value') }, y: { aggregate: 'count', type: 'quantitative', title: 'samples', axis: { tickMinStep: 1 } } },
      },
      ...(rule.length
        ? [
            { data: { values: rule }, mark: { type: 'rule' as const, color: RED, strokeDash: [6, 4], strokeWidth: 2 }, encoding: { x: { field: 't', type: 'quantitative' as const } } },
            { data: { values: rule }, mark: { type: 'text' as const, color: RED, align: 'left' as const, dx: 4, y: 8 }, encoding: { x: { field: 't', type: 'quantitative' as const }, text: { field: 'label' } } },
          ]
        : []),
    ],
  };
}

export interface LagPoint {
  series: string;
  sample: number;
  /** null: not seen within the timeout. */
  ms: number | null;
}

/**
 * Lag per marker sample. A marker not seen within the timeout is a failure, drawn as a
 * red ✕ on the "not seen within T" band at the timeout, never as a gap or a fake point.
 */
export function lagSpec(points: LagPoint[], timeoutMs: number, threshold?: number): TopLevelSpec {
  const seen = points.filter((p) => p.ms !== null);
  const missed = points.filter((p) => p.ms === null).map((p) => ({ ...p, at: timeoutMs, what: `${p.series} marker #${p.sample}: not seen within ${formatQuantity(timeoutMs, 'ms')}` }));
  const top = Math.max(...seen.map((p) => p.ms!), missed.length ? timeoutMs * 1.15 : 0, threshold && threshold <= Math.max(1, ...seen.map((p) => p.ms!)) * 2 ? threshold * 1.1 : 0, 1);
  const x = { field: 'sample', type: 'quantitative' as const, title: 'marker sample', axis: { tickMinStep: 1, format: 'd' }, scale: { domain: [0.5, Math.max(1, ...points.map((p) => p.sample)) + 0.5] } };
  const y = { type: 'quantitative' as const, axis: valueAxis('ms', 'lag'), scale: { domain: [0, top] } };
  const layers: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [];
  if (missed.length) {
    layers.push({ data: { values: [{ from: timeoutMs, to: top, label: `not seen within the timeout (${formatQuantity(timeoutMs, 'ms')})` }] }, mark: { type: 'rect', color: RED, opacity: 0.08 }, encoding: { y: { field: 'from', ...y }, y2: { field: 'to' } } });
    layers.push({ data: { values: [{ t: timeoutMs, label: `timeout ${formatQuantity(timeoutMs, 'ms')}: ✕ = not seen within it` }] }, mark: { type: 'rule', color: RED, strokeDash: [6, 4] }, encoding: { y: { field: 't', ...y } } });
    layers.push({ data: { values: [{ t: timeoutMs, label: `timeout ${formatQuantity(timeoutMs, 'ms')}: ✕ = not seen within it` }] }, mark: { type: 'text', color: RED, align: 'right', x: WIDTH - 4, dy: -8 }, encoding: { y: { field: 't', ...y }, text: { field: 'label' } } });
    layers.push({ name: 'not_seen', data: { values: missed }, mark: { type: 'point', shape: 'cross', color: RED, size: 260, filled: true, angle: 45, tooltip: true }, encoding: { x, y: { field: 'at', ...y }, description: { field: 'what' } } });
  }
  if (threshold !== undefined && threshold <= top) {
    layers.push({ data: { values: [{ t: threshold }] }, mark: { type: 'rule', color: '#b45309', strokeDash: [2, 3] }, encoding: { y: { field: 't', ...y } } });
  }
  if (seen.length) {
    layers.push({ name: 'seen', data: { values: seen }, mark: { type: 'line', point: true, tooltip: true }, encoding: { x, y: { field: 'ms', ...y }, color: { field: 'series', type: 'nominal', title: null } } });
  }
  return { width: WIDTH, height: 180, config: CONFIG, layer: layers };
}

/** A line per series over run order (history). */
export function seriesSpec(rows: { series: string; index: number; value: number }[], unit: string, xTitle: string): TopLevelSpec {
  return {
    width: WIDTH,
    height: 160,
    config: CONFIG,
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: { x: { field: 'index', type: 'quantitative', title: xTitle, axis: { tickMinStep: 1, format: 'd' } }, y: { field: 'value', type: 'quantitative', axis: valueAxis(unit) }, color: { field: 'series', type: 'nominal', title: null } },
  };
}

/** Documents per day (or week, over long spans) and source as a heatmap: a bucket with no document is a red cell, so gaps show. */
export function volumeSpec(rows: { source: string; day: string; count: number }[], bucket: string): TopLevelSpec {
  const columns = new Set(rows.map((r) => r.day)).size;
  return {
    width: WIDTH,
    height: { step: 26 },
    config: CONFIG,
    data: { values: rows },
    encoding: { x: { field: 'day', type: 'ordinal', title: `${bucket} (UTC)`, axis: { labelAngle: -45, labelOverlap: true } }, y: { field: 'source', type: 'nominal', title: null } },
    layer: [
      { mark: { type: 'rect', tooltip: true }, encoding: { color: { condition: { test: 'datum.count === 0', value: '#fca5a5' }, field: 'count', type: 'quantitative', title: 'documents', scale: { scheme: 'blues' } } } },
      // Counts printed in the cells only while they fit.
      ...(columns <= 31 ? [{ mark: { type: 'text' as const, fontSize: 9 }, encoding: { text: { field: 'count', type: 'quantitative' as const }, color: { value: '#111' } } }] : []),
    ],
  };
}
