/**
 * Hand-drawn inline SVG charts: the HTML report must open offline from a file:// URL,
 * and SVG needs no script, renders identically in every browser and is testable from
 * the DOM (each mark carries its value in data-value).
 *
 * Rules every chart follows: the y axis is scaled to the data (a far threshold is
 * annotated, never allowed to flatten the data); millisecond axes read as durations;
 * count axes have integer ticks; category labels are wrapped or moved to a numbered key,
 * never cut; an all-zero chart says so instead of showing an empty frame.
 */

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// A viewBox, drawn at width 100%: the chart scales to the report's content width.
const W = 960;
const PLOT_H = 200;
const M = { top: 28, right: 20, left: 84 };
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#dc2626'];
const CHAR_W = 6.2; // average width of a 10px label character, for wrapping
const LINE_H = 12;
const MAX_LABEL_LINES = 4;
// A threshold this close above the data still fits on the axis; farther, it is annotated.
const THRESHOLD_REACH = 1.5;
const MAX_BAR_W = 120;

const fmtNumber = (v: number): string => (v === 0 ? '0' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? String(Number(v.toFixed(2))) : String(Number(v.toPrecision(2))));

const DURATION_UNITS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
  [1, 'ms'],
];

/** 1500 → "1.5 s", 665280000 → "7.7 d": an axis in raw milliseconds is unreadable past a second. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0';
  const [div, unit] = DURATION_UNITS.find(([d]) => Math.abs(ms) >= d) ?? [1, 'ms'];
  return `${fmtNumber(ms / div)} ${unit}`;
}

export function formatValue(v: number, unit: string): string {
  return unit === 'ms' ? formatDuration(v) : fmtNumber(v);
}

/** A step of 1, 2 or 5 × 10^k giving about four intervals; at least 1 for counts. */
function niceStep(top: number, integer: boolean): number {
  const raw = top / 4;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * pow).find((s) => s >= raw) ?? 10 * pow;
  return integer ? Math.max(1, Math.ceil(step)) : step;
}

export interface Axis {
  max: number;
  ticks: number[];
  /** The threshold when it lies above the axis (annotated instead of drawn). */
  above: number[];
}

/** The y axis: to the data (× 1.2), stretched to a threshold only when it is close. */
export function yAxis(values: number[], thresholds: number[], options: { integer?: boolean; unit?: string } = {}): Axis {
  const dataMax = Math.max(0, ...values);
  let top = dataMax * 1.2;
  const near = thresholds.filter((t) => t <= top * THRESHOLD_REACH);
  if (dataMax > 0 && near.length) top = Math.max(top, ...near.map((t) => t * 1.1));
  // Nothing but zeros: the thresholds give the scale, so the zeros read against them.
  if (dataMax === 0) top = Math.max(0, ...thresholds) * 1.5;
  if (!(top > 0)) top = options.integer ? 4 : 1;
  // Durations step in the unit they are read in (1 min, not 60000 ms).
  const div = options.unit === 'ms' ? (DURATION_UNITS.find(([d]) => top >= d) ?? [1])[0] : 1;
  const step = niceStep(top / div, Boolean(options.integer)) * div;
  const max = Math.ceil(top / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return { max, ticks, above: thresholds.filter((t) => t > max) };
}

/** Break a label into lines of at most `width` characters, after separators when possible; nothing is dropped. */
export function wrapLabel(label: string, width: number): string[] {
  const w = Math.max(3, Math.floor(width));
  const lines: string[] = [];
  let rest = label;
  while (rest.length > w) {
    const head = rest.slice(0, w);
    const cut = Math.max(...[' ', '_', ':', '.', '-', '/', '(', ','].map((c) => head.lastIndexOf(c)));
    const at = cut >= w / 3 ? cut + 1 : w;
    lines.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  if (rest) lines.push(rest);
  return lines;
}

interface Layout {
  /** Per category: the lines drawn under its slot. */
  lines: string[][];
  /** Set when labels were too long to wrap: numbered marks under the slots, the full text in a key. */
  key: string[] | null;
  bottom: number;
}

function categoryLayout(labels: string[], slot: number): Layout {
  const lines = labels.map((l) => wrapLabel(l, (slot - 4) / CHAR_W));
  if (lines.every((l) => l.length <= MAX_LABEL_LINES)) return { lines, key: null, bottom: 16 + LINE_H * Math.max(1, ...lines.map((l) => l.length)) };
  return { lines: labels.map((_, i) => [String(i + 1)]), key: labels, bottom: 16 + LINE_H };
}

function categoryLabels(layout: Layout, labels: string[], slot: number, baseY: number): string {
  return layout.lines
    .map((lines, i) => {
      const x = (M.left + i * slot + slot / 2).toFixed(1);
      const spans = lines.map((l, j) => `<tspan x="${x}" dy="${j === 0 ? 0 : LINE_H}">${esc(l)}</tspan>`).join('');
      return `<text class="tick category" data-label="${esc(labels[i])}" x="${x}" y="${baseY + 14}" text-anchor="middle">${spans}</text>`;
    })
    .join('');
}

function keyList(layout: Layout): string {
  return layout.key ? `<ol class="chart-key">${layout.key.map((l) => `<li>${esc(l)}</li>`).join('')}</ol>` : '';
}

interface FrameParts {
  id: string;
  title: string;
  axis: Axis;
  unit: string;
  bottom: number;
  body: string;
  after?: string;
}

function frame(p: FrameParts): string {
  const height = M.top + PLOT_H + p.bottom;
  const y = (v: number) => M.top + PLOT_H - (v / p.axis.max) * PLOT_H;
  const ticks = p.axis.ticks
    .map((t) => `<line x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" class="grid"/><text x="${M.left - 8}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" class="tick y-tick" data-value="${t}">${esc(formatValue(t, p.unit))}</text>`)
    .join('');
  const unitTitle = p.unit === 'ms' ? 'duration' : p.unit;
  const mid = M.top + PLOT_H / 2;
  const title = `<text x="14" y="${mid}" transform="rotate(-90 14 ${mid})" text-anchor="middle" class="tick axis-title">${esc(unitTitle)}</text>`;
  const base = `<line class="baseline" x1="${M.left}" x2="${W - M.right}" y1="${M.top + PLOT_H}" y2="${M.top + PLOT_H}"/>`;
  return `<figure><figcaption>${esc(p.title)}</figcaption><svg class="chart" data-chart="${esc(p.id)}" data-axis-max="${p.axis.max}" viewBox="0 0 ${W} ${height}" width="100%" preserveAspectRatio="xMinYMin meet" role="img" aria-label="${esc(p.title)}">${ticks}${title}${base}${p.body}</svg>${p.after ?? ''}</figure>`;
}

/** A threshold: a dashed line when on the axis, a note at the top when above it. */
function thresholdMark(value: number | undefined, axis: Axis, label: string, unit: string): string {
  if (value === undefined) return '';
  const text = `${label} ${formatValue(value, unit)}`;
  if (value > axis.max) {
    return `<text class="threshold threshold-above" data-value="${value}" x="${W - M.right}" y="${M.top - 10}" text-anchor="end">${esc(text)} (above the chart)</text>`;
  }
  const y = (M.top + PLOT_H - (value / axis.max) * PLOT_H).toFixed(1);
  return `<line class="threshold" data-value="${value}" x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}"/><text class="threshold-label" x="${W - M.right}" y="${Number(y) - 4}" text-anchor="end">${esc(text)}</text>`;
}

function allZeroNote(values: (number | null)[]): string {
  const nums = values.filter((v): v is number => v !== null);
  return nums.length && nums.every((v) => v === 0) ? `<text class="all-zero" x="${(M.left + W - M.right) / 2}" y="${M.top + PLOT_H - 14}" text-anchor="middle">all values are 0</text>` : '';
}

/** A bar of value v: a real rect (height 0 for 0) plus a thin visible mark on the baseline for zeros. */
function barRect(x: number, width: number, v: number | null, axis: Axis, color: string, title: string, extra = ''): string {
  const h = ((v ?? 0) / axis.max) * PLOT_H;
  const base = M.top + PLOT_H;
  const zero = v === 0 ? `<rect class="zero-mark" x="${x.toFixed(1)}" y="${base - 2}" width="${width.toFixed(1)}" height="2" fill="${color}" opacity="0.6"/>` : '';
  return `<rect class="bar" data-value="${v ?? ''}"${extra} x="${x.toFixed(1)}" y="${(base - h).toFixed(1)}" width="${width.toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${esc(title)}</title></rect>${zero}`;
}

export interface Bar {
  label: string;
  value: number | null;
  /** Optional colour group (one colour per group). */
  group?: string;
  /** This bar's own threshold, drawn as a red tick across its slot. */
  threshold?: number;
}

export interface ChartOptions {
  unit?: string;
  threshold?: number;
  thresholdLabel?: string;
  /** Values are counts: integer ticks. */
  integer?: boolean;
}

export function barChart(id: string, title: string, bars: Bar[], options: ChartOptions = {}): string {
  const unit = options.unit ?? '';
  const thresholds = [options.threshold, ...bars.map((b) => b.threshold)].filter((t): t is number => t !== undefined);
  const axis = yAxis(
    bars.map((b) => b.value ?? 0),
    thresholds,
    { integer: options.integer, unit },
  );
  const slot = (W - M.left - M.right) / Math.max(1, bars.length);
  // A lone bar spanning the whole width reads as a block, not a bar.
  const barW = Math.min(slot * 0.7, MAX_BAR_W);
  const groups = [...new Set(bars.map((b) => b.group ?? ''))];
  const layout = categoryLayout(
    bars.map((b) => b.label),
    slot,
  );
  const body = bars
    .map((b, i) => {
      const x = M.left + i * slot + (slot - barW) / 2;
      const color = PALETTE[groups.indexOf(b.group ?? '') % PALETTE.length]!;
      let tick = '';
      if (b.threshold !== undefined && b.threshold > axis.max) {
        tick = `<text class="threshold bar-threshold threshold-above" data-value="${b.threshold}" x="${(x + barW / 2).toFixed(1)}" y="${M.top - 4}" text-anchor="middle">▲ ${esc(formatValue(b.threshold, unit))}</text>`;
      } else if (b.threshold !== undefined) {
        const ty = (M.top + PLOT_H - (b.threshold / axis.max) * PLOT_H).toFixed(1);
        tick = `<line class="threshold bar-threshold" data-value="${b.threshold}" x1="${(x - barW * 0.12).toFixed(1)}" x2="${(x + barW * 1.12).toFixed(1)}" y1="${ty}" y2="${ty}"/>`;
      }
      return tick + barRect(x, barW, b.value, axis, color, `${b.label}: ${b.value === null ? 'n/a' : formatValue(b.value, unit)}`);
    })
    .join('');
  const aboveNote = bars.some((b) => b.threshold !== undefined && b.threshold > axis.max) ? `<text class="threshold-label" x="${M.left}" y="${M.top - 16}">▲ threshold above the chart</text>` : '';
  return frame({
    id,
    title,
    axis,
    unit,
    bottom: layout.bottom,
    body: body + categoryLabels(layout, bars.map((b) => b.label), slot, M.top + PLOT_H) + thresholdMark(options.threshold, axis, options.thresholdLabel ?? 'threshold', unit) + aboveNote + allZeroNote(bars.map((b) => b.value)),
    after: keyList(layout),
  });
}

export interface GroupedBars {
  label: string;
  values: Record<string, number | null>;
}

/** Bars grouped per category (e.g. per stream), one colour per series, with a legend. */
export function groupedBarChart(id: string, title: string, categories: GroupedBars[], series: readonly string[], options: ChartOptions = {}): string {
  const unit = options.unit ?? '';
  const axis = yAxis(
    categories.flatMap((c) => series.map((s) => c.values[s] ?? 0)),
    options.threshold === undefined ? [] : [options.threshold],
    { integer: options.integer, unit },
  );
  const slot = (W - M.left - M.right) / Math.max(1, categories.length);
  const barW = (slot * 0.8) / Math.max(1, series.length);
  const layout = categoryLayout(
    categories.map((c) => c.label),
    slot,
  );
  const body = categories
    .map((c, i) =>
      series
        .map((s, j) => {
          const v = c.values[s] ?? null;
          const extra = ` data-series="${esc(s)}" data-category="${esc(c.label)}"`;
          const x = M.left + i * slot + slot * 0.1 + j * barW;
          // Small counts beside large ones are invisible on a linear axis: print every value.
          const top = M.top + PLOT_H - ((v ?? 0) / axis.max) * PLOT_H;
          const value = `<text class="tick bar-value" x="${(x + barW * 0.45).toFixed(1)}" y="${(top - 3).toFixed(1)}" text-anchor="middle">${esc(v === null ? 'n/a' : formatValue(v, unit))}</text>`;
          return barRect(x, barW * 0.9, v, axis, PALETTE[j % PALETTE.length]!, `${c.label} ${s}: ${v === null ? 'n/a' : formatValue(v, unit)}`, extra) + value;
        })
        .join(''),
    )
    .join('');
  const legend = series.map((s, j) => `<text class="legend" x="${M.left + j * 130}" y="${M.top - 10}" fill="${PALETTE[j % PALETTE.length]}">■ ${esc(s)}</text>`).join('');
  return frame({
    id,
    title,
    axis,
    unit,
    bottom: layout.bottom,
    body: body + legend + categoryLabels(layout, categories.map((c) => c.label), slot, M.top + PLOT_H) + thresholdMark(options.threshold, axis, options.thresholdLabel ?? 'threshold', unit) + allZeroNote(categories.flatMap((c) => series.map((s) => c.values[s] ?? null))),
    after: keyList(layout),
  });
}

/** Latency distribution: samples binned into equal-width buckets. */
export function histogram(id: string, title: string, samples: number[], options: { unit?: string; threshold?: number; thresholdLabel?: string; bins?: number } = {}): string {
  if (samples.length === 0) return `<p class="muted">${esc(title)}: no samples</p>`;
  // Bins span the samples only: stretching them to a far threshold would squash the distribution into one bar.
  const max = Math.max(...samples);
  const n = options.bins ?? Math.min(20, Math.max(5, Math.ceil(Math.sqrt(samples.length))));
  const width = max / n || 1;
  const counts = new Array<number>(n).fill(0);
  for (const s of samples) counts[Math.min(n - 1, Math.floor(s / width))]!++;
  const unit = options.unit ?? '';
  const bars = counts.map((c, i) => ({ label: `${formatValue(i * width, unit)}–${formatValue((i + 1) * width, unit)}`, value: c }));
  const chart = barChart(id, title, bars, { unit: 'samples', integer: true });
  // The threshold lives on the x axis of a histogram: say it in the caption instead of a line.
  return options.threshold === undefined ? chart : chart.replace('</figcaption>', ` — ${esc(options.thresholdLabel ?? 'threshold')} ${esc(formatValue(options.threshold, unit))}</figcaption>`);
}

export interface Series {
  name: string;
  points: (number | null)[];
}

/** A line per series over the sample index; a null (timeout) is drawn as a red cross at the top. */
export function lineChart(id: string, title: string, series: Series[], options: ChartOptions = {}): string {
  const unit = options.unit ?? '';
  const values = series.flatMap((s) => s.points.filter((p): p is number => p !== null));
  const axis = yAxis(values, options.threshold === undefined ? [] : [options.threshold], { integer: options.integer, unit });
  const len = Math.max(1, ...series.map((s) => s.points.length));
  const iw = W - M.left - M.right;
  const x = (i: number) => M.left + (len === 1 ? iw / 2 : (i / (len - 1)) * iw);
  const y = (v: number) => M.top + PLOT_H - (v / axis.max) * PLOT_H;
  let legendX = M.left;
  const body = series
    .map((s, si) => {
      const color = PALETTE[si % PALETTE.length];
      const pts = s.points.map((p, i) => (p === null ? null : `${x(i).toFixed(1)},${y(p).toFixed(1)}`)).filter(Boolean);
      const line = pts.length > 1 ? `<polyline class="series" fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>` : '';
      const dots = s.points
        .map((p, i) =>
          p === null
            ? `<text class="timeout" data-value="timeout" x="${x(i).toFixed(1)}" y="${M.top + 10}" text-anchor="middle" fill="#dc2626">✕</text>`
            : `<circle class="point" data-value="${p}" cx="${x(i).toFixed(1)}" cy="${y(p).toFixed(1)}" r="3" fill="${color}"><title>${esc(s.name)} #${i + 1}: ${esc(formatValue(p, unit))}</title></circle>`,
        )
        .join('');
      const legend = `<text class="legend" x="${legendX}" y="${M.top + PLOT_H + 30}" fill="${color}">■ ${esc(s.name)}</text>`;
      legendX += 24 + s.name.length * CHAR_W * 1.1;
      return line + dots + legend;
    })
    .join('');
  const xTicks = `<text class="tick" x="${M.left}" y="${M.top + PLOT_H + 14}" text-anchor="start">sample 1</text><text class="tick" x="${W - M.right}" y="${M.top + PLOT_H + 14}" text-anchor="end">sample ${len}</text>`;
  return frame({ id, title, axis, unit, bottom: 40, body: body + xTicks + thresholdMark(options.threshold, axis, options.thresholdLabel ?? 'threshold', unit) + allZeroNote(values) });
}
