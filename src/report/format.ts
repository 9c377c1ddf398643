import type { Measurement, Threshold } from '../checks/result.js';
import { formatMs } from '../common/duration.js';

/**
 * Every number the report prints goes through here, so a value and its threshold read in
 * the same unit (`≤ 7.0 d` beside `9.1 d`, never `<= 604800000` beside `789519 ms`) and
 * durations are humanised by one formatter (formatMs).
 */

// What a unit-less count counts, from the metric name (`documents_invalid` → documents).
const COUNT_NOUNS: [RegExp, string][] = [
  [/^documents_|^server_invalid|^invalid_by_rule/, 'documents'],
  [/violations$/, 'violations'],
  [/^duplicate_keys/, 'keys'],
  [/^lag_timeouts/, 'markers'],
  [/^volume_days/, 'source-days'],
];

/** The unit of a measurement: its own, else what its name says (`…_rate` is a rate, `…_ms` a duration). */
export function unitOf(key: string, m?: Pick<Measurement, 'unit' | 'metric'>): string {
  if (m?.unit) return m.unit;
  const metric = m?.metric ?? key.replace(/\[.*$/, '');
  if (/_ms(_|$)/.test(metric)) return 'ms';
  if (/rate/.test(metric)) return 'rate';
  if (/bytes/.test(metric)) return 'bytes';
  return COUNT_NOUNS.find(([re]) => re.test(metric))?.[1] ?? '';
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });

function formatBytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

/** A value with its unit: 1500 ms → "1.50 s", 0.0123 rate → "1.23 %", 3 documents → "3 documents". */
export function formatQuantity(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined) return 'n/a';
  if (unit === 'ms') return formatMs(value);
  if (unit === 'rate') return `${number.format(Number((value * 100).toPrecision(4)))} %`;
  if (unit === 'bytes') return formatBytes(value);
  return unit ? `${number.format(value)} ${unit}` : number.format(value);
}

const OP_TEXT: Record<Threshold['op'], string> = { '<=': '≤', '<': '<', '>=': '≥', '>': '>', '==': '=' };

/** "≤ 1.00 s", "= 0 markers". */
export function formatThreshold(t: Threshold, unit: string): string {
  return `${OP_TEXT[t.op]} ${formatQuantity(t.value, unit)}`;
}

/** What crossing a threshold does: a 'warn' threshold only warns. Never printed as a bare "fail". */
export function consequenceOf(t: Threshold): string {
  return t.severity === 'warn' ? 'warns when crossed' : 'fails the check when crossed';
}
