/**
 * Hand-drawn inline SVG charts: the HTML report must open offline from a file:// URL,
 * and SVG needs no script, renders identically in every browser and is testable from
 * the DOM (each mark carries its value in data-value).
 */

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const W = 640;
const H = 270;
const M = { top: 24, right: 16, bottom: 76, left: 64 };
const PALETTE = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#0891b2', '#dc2626'];

const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2));

function frame(id: string, title: string, maxY: number, body: string, unit: string): string {
  const ih = H - M.top - M.bottom;
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const y = M.top + ih - f * ih;
      return `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" class="grid"/><text x="${M.left - 6}" y="${y + 4}" text-anchor="end" class="tick">${fmt(maxY * f)}</text>`;
    })
    .join('');
  return `<figure><figcaption>${esc(title)}</figcaption><svg class="chart" data-chart="${esc(id)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">${ticks}<text x="14" y="${M.top + ih / 2}" transform="rotate(-90 14 ${M.top + ih / 2})" text-anchor="middle" class="tick">${esc(unit)}</text>${body}</svg></figure>`;
}

function thresholdLine(value: number | undefined, maxY: number, label: string): string {
  if (value === undefined || !(maxY > 0)) return '';
  const ih = H - M.top - M.bottom;
  const y = M.top + ih - Math.min(1, value / maxY) * ih;
  return `<line class="threshold" data-value="${value}" x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}"/><text class="threshold-label" x="${W - M.right}" y="${y - 4}" text-anchor="end">${esc(label)} ${fmt(value)}</text>`;
}

export interface Bar {
  label: string;
  value: number | null;
  /** Optional colour group (one colour per group). */
  group?: string;
  /** This bar's own threshold, drawn as a red tick across its slot. */
  threshold?: number;
}

export function barChart(id: string, title: string, bars: Bar[], options: { unit?: string; threshold?: number; thresholdLabel?: string } = {}): string {
  const maxY = Math.max(options.threshold ?? 0, ...bars.map((b) => Math.max(b.value ?? 0, b.threshold ?? 0))) * 1.1 || 1;
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const slot = iw / Math.max(1, bars.length);
  const groups = [...new Set(bars.map((b) => b.group ?? ''))];
  const body = bars
    .map((b, i) => {
      const v = b.value ?? 0;
      const h = (v / maxY) * ih;
      const x = M.left + i * slot + slot * 0.15;
      const color = PALETTE[groups.indexOf(b.group ?? '') % PALETTE.length];
      const lx = x + slot * 0.35;
      const ty = b.threshold === undefined ? null : M.top + ih - (b.threshold / maxY) * ih;
      const tick =
        ty === null
          ? ''
          : `<line class="threshold bar-threshold" data-value="${b.threshold}" x1="${(x - slot * 0.08).toFixed(1)}" x2="${(x + slot * 0.78).toFixed(1)}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}"/>`;
      return `${tick}<rect class="bar" data-value="${b.value ?? ''}" x="${x.toFixed(1)}" y="${(M.top + ih - h).toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${esc(b.label)}: ${b.value ?? 'n/a'}</title></rect><text class="tick" x="${lx.toFixed(1)}" y="${H - M.bottom + 14}" text-anchor="end" transform="rotate(-30 ${lx.toFixed(1)} ${H - M.bottom + 14})">${esc(b.label.slice(0, 22))}</text>`;
    })
    .join('');
  return frame(id, title, maxY, body + thresholdLine(options.threshold, maxY, options.thresholdLabel ?? 'threshold'), options.unit ?? '');
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
  const bars = counts.map((c, i) => ({ label: `${fmt(i * width)}–${fmt((i + 1) * width)}`, value: c }));
  const chart = barChart(id, title, bars, { unit: 'samples' });
  // The threshold lives on the x axis of a histogram: say it in the caption instead of a line.
  return options.threshold === undefined ? chart : chart.replace('</figcaption>', ` — ${esc(options.thresholdLabel ?? 'threshold')} ${fmt(options.threshold)} ${esc(options.unit ?? '')}</figcaption>`);
}

export interface Series {
  name: string;
  points: (number | null)[];
}

/** A line per series over the sample index; a null (timeout) is drawn as a red cross at the top. */
export function lineChart(id: string, title: string, series: Series[], options: { unit?: string; threshold?: number; thresholdLabel?: string } = {}): string {
  const values = series.flatMap((s) => s.points.filter((p): p is number => p !== null));
  const maxY = Math.max(options.threshold ?? 0, ...values, 0) * 1.1 || 1;
  const len = Math.max(1, ...series.map((s) => s.points.length));
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const x = (i: number) => M.left + (len === 1 ? iw / 2 : (i / (len - 1)) * iw);
  const y = (v: number) => M.top + ih - (v / maxY) * ih;
  const body = series
    .map((s, si) => {
      const color = PALETTE[si % PALETTE.length];
      const pts = s.points.map((p, i) => (p === null ? null : `${x(i).toFixed(1)},${y(p).toFixed(1)}`)).filter(Boolean);
      const line = pts.length > 1 ? `<polyline class="series" fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"/>` : '';
      const dots = s.points
        .map((p, i) =>
          p === null
            ? `<text class="timeout" data-value="timeout" x="${x(i).toFixed(1)}" y="${M.top + 10}" text-anchor="middle" fill="#dc2626">✕</text>`
            : `<circle class="point" data-value="${p}" cx="${x(i).toFixed(1)}" cy="${y(p).toFixed(1)}" r="3" fill="${color}"><title>${esc(s.name)} #${i + 1}: ${p}</title></circle>`,
        )
        .join('');
      const legend = `<text class="legend" x="${M.left + 8 + si * 140}" y="${H - 8}" fill="${color}">■ ${esc(s.name)}</text>`;
      return line + dots + legend;
    })
    .join('');
  return frame(id, title, maxY, body + thresholdLine(options.threshold, maxY, options.thresholdLabel ?? 'threshold'), options.unit ?? '');
}
