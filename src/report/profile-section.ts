import type { ReportSection } from './context.js';
import type { CollectionProfile, FieldProfile } from './profile.js';
import { figure } from './charts/render.js';
import { volumeSpec, WIDTH } from './charts/specs.js';
import { esc } from './escape.js';
import { formatQuantity } from './format.js';
import type { TopLevelSpec } from 'vega-lite';

/** The data profile section: volume per day (gaps in red) and per-field statistics with histograms. */

const n = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : formatQuantity(Number(v.toPrecision(6))));

function statsTable(fields: FieldProfile[]): string {
  const rows = fields
    .map(
      (f) =>
        `<tr><td><code>${esc(f.field)}</code></td><td>${esc(f.source)}</td><td>${f.documents}</td><td class="${f.null_rate === 1 ? 'muted' : ''}">${esc(formatQuantity(f.null_rate, 'rate'))}</td><td>${n(f.min)}</td><td>${n(f.quantiles?.p05)}</td><td>${n(f.quantiles?.p25)}</td><td>${n(f.quantiles?.p50)}</td><td>${n(f.quantiles?.p75)}</td><td>${n(f.quantiles?.p95)}</td><td>${n(f.max)}</td></tr>`,
    )
    .join('');
  return `<details><summary>${fields.length} field × source statistics (null rate, min, quantiles, max)</summary><table class="profile-stats"><tr><th>field</th><th>source</th><th>documents</th><th>null rate</th><th>min</th><th>p5</th><th>p25</th><th>median</th><th>p75</th><th>p95</th><th>max</th></tr>${rows}</table></details>`;
}

/** One small histogram per field (sources overlaid), independent scales: fields do not share units. */
function histogramsSpec(fields: FieldProfile[]): TopLevelSpec {
  const values = fields.flatMap((f) => f.histogram.map((b) => ({ field: `${f.field} (${formatQuantity(f.null_rate, 'rate')} null)`, source: f.source, from: b.from, to: b.to, count: b.count })));
  return {
    config: { font: 'system-ui, sans-serif', legend: { orient: 'top' } },
    data: { values },
    facet: { field: 'field', type: 'nominal', title: null, header: { labelFontSize: 11, labelFontWeight: 600 } },
    columns: 4,
    spec: {
      width: WIDTH / 4 - 50,
      height: 70,
      mark: { type: 'bar', opacity: 0.6, tooltip: true },
      encoding: {
        x: { field: 'from', type: 'quantitative', bin: { binned: true }, title: null, axis: { tickCount: 4, labelFontSize: 9 } },
        x2: { field: 'to' },
        y: { field: 'count', type: 'quantitative', title: null, stack: null, axis: { tickCount: 3, labelFontSize: 9 } },
        color: { field: 'source', type: 'nominal', title: 'source' },
      },
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
}

const MAX_DAY_COLUMNS = 62;

/** Over a long span one cell per day is unreadable: sum into weeks starting on Monday. */
function byWeekWhenLong(volume: CollectionProfile['volume']): { rows: CollectionProfile['volume']; bucket: string } {
  if (new Set(volume.map((v) => v.day)).size <= MAX_DAY_COLUMNS) return { rows: volume, bucket: 'day' };
  const weeks = new Map<string, { source: string; day: string; count: number }>();
  for (const v of volume) {
    const t = new Date(`${v.day}T00:00:00Z`);
    t.setUTCDate(t.getUTCDate() - ((t.getUTCDay() + 6) % 7));
    const day = t.toISOString().slice(0, 10);
    const w = weeks.get(`${v.source}|${day}`) ?? { source: v.source, day, count: 0 };
    w.count += v.count;
    weeks.set(`${v.source}|${day}`, w);
  }
  return { rows: [...weeks.values()], bucket: 'week' };
}

async function collectionHtml(p: CollectionProfile): Promise<string> {
  if (p.error) return `<h3>${esc(p.collection)}</h3><p class="fail">profile not collected: ${esc(p.error)}</p>`;
  const gaps = p.volume.filter((v) => v.count === 0).length;
  const { rows, bucket } = byWeekWhenLong(p.volume);
  const volume = p.volume.length
    ? await figure({
        id: `profile-volume-${p.collection}`,
        caption: `${p.collection}: documents per ${bucket} and source${gaps ? ` (${gaps} source-day(s) with no document; empty ${bucket}s in red)` : ', no day missing'}`,
        spec: volumeSpec(rows, bucket),
        values: p.volume,
      })
    : '';
  const withValues = p.fields.filter((f) => f.histogram.length);
  const empty = [...new Set(p.fields.filter((f) => !f.histogram.length).map((f) => `${f.field} (${f.source})`))];
  const hist = withValues.length
    ? await figure({ id: `profile-fields-${p.collection}`, caption: `${p.collection}: value distribution per field, sources overlaid`, spec: histogramsSpec(withValues), values: withValues.map((f) => ({ field: f.field, source: f.source })) })
    : '';
  const nulls = empty.length ? `<p class="muted">Always null (no histogram): ${esc(empty.join(', '))}.</p>` : '';
  return `<h3>${esc(p.collection)}: ${p.documents} documents</h3><p class="muted">Volume: ${esc(p.volumeMethod)}. Fields: ${esc(p.fieldsMethod)}.</p>${volume}${hist}${nulls}${statsTable(p.fields)}`;
}

export async function profileSection(profiles: CollectionProfile[]): Promise<ReportSection> {
  const html = profiles.length ? (await Promise.all(profiles.map(collectionHtml))).join('') : '<p class="muted">no collection configured under checks.schema.collections</p>';
  return { title: 'Data profile', html: `<div id="profile">${html}</div>`, data: profiles };
}
