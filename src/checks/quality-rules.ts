import type { CrossFieldRule, FreshnessRule, NullRateRule, QualityRule, RangeRule, VolumeRule } from '../config/checks.js';
import { parseDuration } from '../common/duration.js';
import { judgeBaseline, type BaselineVerdict } from './baseline.js';

/**
 * Streaming evaluators of the quality rules that need to look at every document
 * (null rate, ranges, cross-field, volume, freshness). They run in Node over one cursor
 * because FerretDB v1 lacks most of $expr; each keeps counters only (bounded memory).
 */

export function ruleName(rule: QualityRule): string {
  if (rule.name) return rule.name;
  switch (rule.type) {
    case 'null_rate':
    case 'range':
    case 'freshness':
      return `${rule.type}:${rule.field}`;
    case 'duplicates':
      return `duplicates:${rule.key.join('+')}`;
    case 'volume':
      return `volume:${rule.source_field}/day`;
    case 'cross_field':
      return `cross_field:${rule.left}${rule.op}${rule.right}`;
  }
}

export function get(doc: unknown, path: string): unknown {
  let cur = doc;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/** A Date, an ISO string or epoch milliseconds → epoch ms; anything else → null. */
export function toEpochMs(v: unknown): number | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const MAX_EXAMPLES = 5;

export interface StreamOutcome {
  /** The measured value the threshold applies to. */
  value: number | null;
  /** Documents the rule could be evaluated on. */
  evaluated: number;
  detail: Record<string, unknown>;
}

export interface StreamEvaluator {
  visit(doc: Record<string, unknown>): void;
  finish(now: number): StreamOutcome;
}

export function nullRate(rule: NullRateRule): StreamEvaluator {
  let total = 0;
  let nulls = 0;
  return {
    visit(doc) {
      total++;
      const v = get(doc, rule.field);
      if (v === null || v === undefined) nulls++;
    },
    finish: () => ({ value: total ? nulls / total : null, evaluated: total, detail: { nulls, total } }),
  };
}

export function range(rule: RangeRule): StreamEvaluator {
  let evaluated = 0;
  let violations = 0;
  const examples: unknown[] = [];
  return {
    visit(doc) {
      const v = num(get(doc, rule.field));
      if (v === null) return;
      evaluated++;
      if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max)) {
        violations++;
        if (examples.length < MAX_EXAMPLES) examples.push({ _id: String(doc._id), value: v });
      }
    },
    finish: () => ({ value: violations, evaluated, detail: { min: rule.min ?? null, max: rule.max ?? null, examples } }),
  };
}

/**
 * Freshness in the stream: the newest value of the field, for servers that cannot serve
 * `sort({field: -1}).limit(1)` from an index (FerretDB v1 sorts in Go after a full scan:
 * `sortPushdown: false`). Reading one more field in the pass the other rules make anyway
 * costs nothing; a separate sorted query costs one more full scan.
 */
export function newest(rule: FreshnessRule): StreamEvaluator {
  let evaluated = 0;
  let max: number | null = null;
  return {
    visit(doc) {
      const t = toEpochMs(get(doc, rule.field));
      if (t === null) return;
      evaluated++;
      if (max === null || t > max) max = t;
    },
    finish: (now) => ({
      value: max === null ? null : now - max,
      evaluated: max === null ? 0 : 1,
      detail: { newest: max === null ? null : new Date(max).toISOString(), max_age: rule.max_age, documents_with_value: evaluated },
    }),
  };
}

export function holds(left: number, op: CrossFieldRule['op'], right: number, tolerance: number): boolean {
  switch (op) {
    case '<=':
      return left <= right + tolerance;
    case '<':
      return left < right + tolerance;
    case '>=':
      return left >= right - tolerance;
    case '>':
      return left > right - tolerance;
    case '==':
      return Math.abs(left - right) <= tolerance;
    case '!=':
      return Math.abs(left - right) > tolerance;
  }
}

export function crossField(rule: CrossFieldRule): StreamEvaluator {
  let evaluated = 0;
  let violations = 0;
  const examples: unknown[] = [];
  return {
    visit(doc) {
      const l = num(get(doc, rule.left));
      const r = num(get(doc, rule.right));
      if (l === null || r === null) return;
      evaluated++;
      if (!holds(l, rule.op, r, rule.tolerance)) {
        violations++;
        if (examples.length < MAX_EXAMPLES) examples.push({ _id: String(doc._id), [rule.left]: l, [rule.right]: r });
      }
    },
    finish: () => ({ value: violations, evaluated, detail: { rule: `${rule.left} ${rule.op} ${rule.right} ± ${rule.tolerance}`, examples } }),
  };
}

const DAY = 86_400_000;

/**
 * The newest day of each source against the same weekday in the whole history of the data
 * (every day from the source's first to the last seen, gaps as 0): an anomaly counts as a day
 * out of range, with reason `baseline`. Too little history is said, not judged.
 */
function volumeBaselines(
  o: NonNullable<VolumeRule['baseline']>,
  counts: Map<string, Map<number, number>>,
  first: number,
  last: number,
  out: { source: string; day: string; count: number; reason?: string }[],
): Record<string, BaselineVerdict> {
  const verdicts: Record<string, BaselineVerdict> = {};
  if (!Number.isFinite(last)) return verdicts;
  for (const [source, perDay] of counts) {
    // A source's history starts on its own first day: before it existed is not "0 documents".
    const since = perDay.size ? Math.min(...perDay.keys()) : last;
    const history = [];
    for (let d = Math.max(first, since); d < last; d++) history.push({ at: d * DAY, value: perDay.get(d) ?? 0 });
    const count = perDay.get(last) ?? 0;
    const v = judgeBaseline(count, last * DAY, history, { min_points: o.min_points, max_z: o.max_z, slot: 'weekday' });
    verdicts[source] = v;
    if (v.kind === 'anomaly') out.push({ source, day: new Date(last * DAY).toISOString().slice(0, 10), count, reason: `baseline: ${count} vs a median of ${v.median} on the same weekday (robust z ${v.z.toFixed(1)}, max ${o.max_z})` });
  }
  return verdicts;
}

/** Documents per source per UTC day; every day between the first and the last seen counts (a gap is 0). */
export function volume(rule: VolumeRule): StreamEvaluator {
  const counts = new Map<string, Map<number, number>>();
  for (const s of rule.sources ?? []) counts.set(s, new Map());
  let evaluated = 0;
  let first = Infinity;
  let last = -Infinity;
  return {
    visit(doc) {
      const t = toEpochMs(get(doc, rule.time_field));
      if (t === null) return;
      evaluated++;
      const day = Math.floor(t / DAY);
      first = Math.min(first, day);
      last = Math.max(last, day);
      const source = String(get(doc, rule.source_field) ?? '(none)');
      const perDay = counts.get(source) ?? new Map<number, number>();
      counts.set(source, perDay);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    },
    finish() {
      const out: { source: string; day: string; count: number; reason?: string }[] = [];
      const perSource: Record<string, Record<string, number>> = {};
      const baseline = rule.baseline ? volumeBaselines(rule.baseline, counts, first, last, out) : undefined;
      if (rule.window !== undefined && Number.isFinite(last)) first = Math.max(first, last - Math.ceil(parseDuration(rule.window) / DAY) + 1);
      for (const [source, perDay] of counts) {
        perSource[source] = {};
        for (let d = first; d <= last; d++) {
          const count = perDay.get(d) ?? 0;
          const day = new Date(d * DAY).toISOString().slice(0, 10);
          perSource[source][day] = count;
          if ((rule.min_per_day !== undefined && count < rule.min_per_day) || (rule.max_per_day !== undefined && count > rule.max_per_day)) {
            out.push({ source, day, count });
          }
        }
      }
      // A bounded table: sources × days of the data, trimmed for the evidence.
      const days = Number.isFinite(first) ? last - first + 1 : 0;
      return {
        value: out.length,
        evaluated,
        detail: {
          days,
          min_per_day: rule.min_per_day ?? null,
          max_per_day: rule.max_per_day ?? null,
          out_of_range: out.slice(0, 50),
          per_source: days <= 62 ? perSource : undefined,
          ...(baseline ? { baseline } : {}),
        },
      };
    },
  };
}
