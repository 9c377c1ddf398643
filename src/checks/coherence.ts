import type { Db } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import type { CoherenceCheckConfig, CoherencePair } from '../config/checks.js';
import { CheckStatus, type CheckResult } from './result.js';
import { ResultBuilder, firstProblem } from './builder.js';
import { describeEndpoint, endpointsOf, unreachableFinding } from './endpoints.js';
import type { CheckContext } from './check-session.js';
import { get, toEpochMs } from './quality-rules.js';
import { HourProfile, Reservoir, bestShift, compareDistributions, medianDifference, quantilesOf, type Quantiles } from './coherence-stats.js';

/**
 * Coherence: once standardised, do the sources merged into one collection agree? Each
 * valid document can still carry a unit left unconverted (°F as °C) or a time zone slip
 * (local time stored as UTC); range checks let both through. Per numeric field, each
 * source's distribution is compared with the reference's (quantiles, KS distance, median
 * shift in IQRs, IQR ratio); the hour-of-day profile of one field tells a time shift; and
 * configured pairs of series (the same station in two sources, or nearby stations) give the
 * offset and bias at the same hours. One streaming pass, bounded memory (reservoirs).
 */

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const short = (v: number): number => Number(v.toPrecision(3));
const signed = (v: number): string => `${v > 0 ? '+' : ''}${short(v)}`;
const HOUR = 3_600_000;
const PAIR_MAX_LAG_H = 3;

interface Gathered {
  counts: Map<string, number>;
  values: Map<string, Map<string, Reservoir>>;
  profiles: Map<string, HourProfile>;
  /** Per pair, per side (a, b): sum and count of the field per hour (epoch hour). */
  pairs: { a: Map<number, [number, number]>; b: Map<number, [number, number]> }[];
}

function addHourly(series: Map<number, [number, number]>, t: number, v: number): void {
  const h = Math.round(t / HOUR);
  const cell = series.get(h) ?? [0, 0];
  cell[0] += v;
  cell[1] += 1;
  series.set(h, cell);
}

async function gather(db: Db, collection: string, cfg: CoherenceCheckConfig, ctx: CheckContext): Promise<Gathered> {
  const g: Gathered = { counts: new Map(), values: new Map(), profiles: new Map(), pairs: (cfg.time?.pairs ?? []).map(() => ({ a: new Map(), b: new Map() })) };
  const time = cfg.time;
  const projection: Record<string, 1> = { [cfg.source_field]: 1 };
  for (const f of cfg.fields) projection[f] = 1;
  if (time) {
    projection[time.field] = 1;
    projection[time.profile_field] = 1;
    for (const p of time.pairs) Object.assign(projection, { [p.key_field]: 1, [p.field ?? time.profile_field]: 1 });
  }
  for await (const doc of db.collection(collection).find({}, { projection }).batchSize(1000)) {
    if (ctx.signal?.aborted) break;
    const source = String(get(doc, cfg.source_field) ?? '(none)');
    g.counts.set(source, (g.counts.get(source) ?? 0) + 1);
    let perField = g.values.get(source);
    if (!perField) g.values.set(source, (perField = new Map(cfg.fields.map((f, i) => [f, new Reservoir(cfg.max_values_per_source, i + 1)]))));
    for (const f of cfg.fields) {
      const v = num(get(doc, f));
      if (v !== null) perField.get(f)!.add(v);
    }
    if (!time) continue;
    const t = toEpochMs(get(doc, time.field));
    if (t === null) continue;
    const pv = num(get(doc, time.profile_field));
    if (pv !== null) {
      const profile = g.profiles.get(source) ?? new HourProfile();
      g.profiles.set(source, profile);
      profile.add(t, pv);
    }
    time.pairs.forEach((p, i) => {
      const key = String(get(doc, p.key_field));
      const v = num(get(doc, p.field ?? time.profile_field));
      if (v === null || (key !== p.a && key !== p.b)) return;
      addHourly(key === p.a ? g.pairs[i]!.a : g.pairs[i]!.b, t, v);
    });
  }
  return g;
}

/** Whom each source is compared with: the configured reference, else all the other sources pooled. */
function referenceOf(cfg: CoherenceCheckConfig, source: string, sources: string[]): string[] {
  if (cfg.reference) return source === cfg.reference ? [] : [cfg.reference];
  return sources.filter((s) => s !== source);
}

function compareFields(b: ResultBuilder, cfg: CoherenceCheckConfig, g: Gathered, sources: string[]): void {
  const fields: Record<string, unknown>[] = [];
  b.evidence.fields = fields;
  for (const field of cfg.fields) {
    const perSource: Record<string, Quantiles | null> = {};
    const comparisons: Record<string, unknown>[] = [];
    for (const s of sources) perSource[s] = quantilesOf(g.values.get(s)!.get(field)!.values);
    fields.push({ field, per_source: perSource, comparisons });
    for (const s of sources) {
      const against = referenceOf(cfg, s, sources);
      if (against.length === 0) continue;
      const values = g.values.get(s)!.get(field)!.values;
      const reference = against.flatMap((r) => g.values.get(r)!.get(field)!.values);
      const vs = cfg.reference ?? `the other sources (${against.join(', ')})`;
      if (values.length < cfg.min_values || reference.length < cfg.min_values) {
        b.finding(CheckStatus.WARN, `source ${s}: ${field} not compared with ${vs}: ${values.length} vs ${reference.length} values, fewer than min_values ${cfg.min_values}`, { source: s, field });
        continue;
      }
      const c = compareDistributions(values, reference);
      comparisons.push({ source: s, against: vs, ...c });
      const labels = { field, source: s };
      const keys = {
        ks: b.measure('coherence_ks_distance', c.ks, { labels, key: `coherence_ks_distance[${field}/${s}]` }),
        shift: b.measure('coherence_median_shift_iqr', c.median_shift_iqr, { labels, key: `coherence_median_shift_iqr[${field}/${s}]` }),
        iqr: b.measure('coherence_iqr_ratio', c.iqr_ratio, { labels, key: `coherence_iqr_ratio[${field}/${s}]` }),
      };
      b.thresholds.push({ metric: keys.ks, op: '<=', value: cfg.max_ks }, { metric: keys.shift, op: '<=', value: cfg.max_median_shift_iqr }, { metric: keys.iqr, op: '<=', value: cfg.max_iqr_ratio });
      if (c.ks <= cfg.max_ks && c.median_shift_iqr <= cfg.max_median_shift_iqr && c.iqr_ratio <= cfg.max_iqr_ratio) continue;
      const q = perSource[s]!;
      const ref = quantilesOf(reference)!;
      b.finding(
        CheckStatus.FAIL,
        `source ${s}: ${field} disagrees with ${vs}: median ${short(q.p50)} vs ${short(ref.p50)} (shift ${signed(c.median_shift)}, ${short(c.median_shift_iqr)} IQR, max ${cfg.max_median_shift_iqr}), ` +
          `KS distance ${short(c.ks)} (max ${cfg.max_ks}), IQR ratio ${short(c.iqr_ratio)} (max ${cfg.max_iqr_ratio}): a unit left unconverted or a different quantity?`,
        labels,
      );
    }
  }
}

function compareProfiles(b: ResultBuilder, cfg: CoherenceCheckConfig, g: Gathered, sources: string[]): void {
  const time = cfg.time!;
  const means = Object.fromEntries(sources.map((s) => [s, g.profiles.get(s)?.means() ?? new Array<null>(24).fill(null)]));
  const shifts: Record<string, unknown>[] = [];
  b.evidence.time_profile = { time_field: time.field, profile_field: time.profile_field, hours: 'UTC, each time rounded to the nearest hour', per_source: means, shifts };
  for (const s of sources) {
    const against = referenceOf(cfg, s, sources);
    if (against.length === 0) continue;
    // The reference profile: the mean over the reference sources of their hourly means.
    const ref = Array.from({ length: 24 }, (_, h) => {
      const xs = against.map((r) => means[r]![h]).filter((x): x is number => x != null);
      return xs.length ? xs.reduce((a, x) => a + x, 0) / xs.length : null;
    });
    const vs = cfg.reference ?? `the other sources (${against.join(', ')})`;
    const est = bestShift(ref, means[s]!, 12, true);
    if (!est || est.overlap < 12) {
      b.finding(CheckStatus.WARN, `source ${s}: hour-of-day profile of ${time.profile_field} not compared with ${vs}: fewer than 12 hours of the day in common`, { source: s });
      continue;
    }
    shifts.push({ source: s, against: vs, ...est });
    const key = b.measure('coherence_time_shift_hours', est.shift_h, { unit: 'h', labels: { source: s }, key: `coherence_time_shift_hours[${s}]` });
    b.thresholds.push({ metric: key, op: '<=', value: time.max_shift_h });
    if (Math.abs(est.shift_h) > time.max_shift_h) {
      b.finding(
        CheckStatus.FAIL,
        `source ${s}: times shifted by ${signed(est.shift_h)} h against ${vs} (hour-of-day profile of ${time.profile_field} in ${time.field}, correlation ${short(est.correlation)}; max ${time.max_shift_h} h): a time zone or DST slip?`,
        { source: s, field: time.field },
      );
    }
  }
}

function hourlyMeans(series: Map<number, [number, number]>, from: number, to: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let h = from; h <= to; h++) {
    const c = series.get(h);
    out.push(c ? c[0] / c[1] : null);
  }
  return out;
}

function comparePairs(b: ResultBuilder, cfg: CoherenceCheckConfig, g: Gathered): void {
  const time = cfg.time!;
  const evidence: Record<string, unknown>[] = [];
  b.evidence.pairs = evidence;
  time.pairs.forEach((p: CoherencePair, i) => {
    const { a, b: bSeries } = g.pairs[i]!;
    const field = p.field ?? time.profile_field;
    const name = `${p.a}~${p.b}`;
    const hours = [...a.keys(), ...bSeries.keys()];
    if (a.size === 0 || bSeries.size === 0) {
      b.finding(CheckStatus.WARN, `pair ${name}: no ${field} for ${a.size === 0 ? p.a : p.b} (${p.key_field}): nothing to compare`, { pair: name });
      return;
    }
    const from = Math.min(...hours);
    const to = Math.max(...hours);
    const sa = hourlyMeans(a, from, to);
    const sb = hourlyMeans(bSeries, from, to);
    const est = bestShift(sa, sb, PAIR_MAX_LAG_H, false);
    const lag = est ? Math.round(est.shift_h) : 0;
    // The bias at the best whole-hour lag, so a time slip does not read as a unit error too.
    const diff = medianDifference(sa.slice(Math.max(0, -lag)), sb.slice(Math.max(0, lag)));
    if (!est || !diff || diff.overlap < 12) {
      b.finding(CheckStatus.WARN, `pair ${name}: fewer than 12 hours in common: nothing to compare`, { pair: name });
      return;
    }
    evidence.push({ pair: name, key_field: p.key_field, a: p.a, b: p.b, field, ...est, bias: diff.bias, overlap_hours: diff.overlap });
    const labels = { pair: name, field };
    const sk = b.measure('coherence_pair_shift_hours', est.shift_h, { unit: 'h', labels, key: `coherence_pair_shift_hours[${name}]` });
    const bk = b.measure('coherence_pair_bias', diff.bias, { labels, key: `coherence_pair_bias[${name}]` });
    b.thresholds.push({ metric: sk, op: '<=', value: time.max_shift_h }, { metric: bk, op: '<=', value: p.max_bias });
    if (Math.abs(est.shift_h) > time.max_shift_h) {
      b.finding(CheckStatus.FAIL, `pair ${name}: ${p.b} runs ${signed(est.shift_h)} h against ${p.a} (${field} at the same hours, correlation ${short(est.correlation)}; max ${time.max_shift_h} h)`, labels);
    }
    if (Math.abs(diff.bias) > p.max_bias) {
      b.finding(CheckStatus.FAIL, `pair ${name}: ${p.b} reads ${signed(diff.bias)} against ${p.a} on ${field} (median over ${diff.overlap} hours; max ±${p.max_bias})`, labels);
    }
  });
}

export async function checkCoherence(config: PipelineConfig, ctx: CheckContext): Promise<CheckResult> {
  const cfg = config.checks.coherence;
  const b = new ResultBuilder('coherence');
  const collection = cfg.collection ?? config.checks.quality.collection;
  if ((cfg.fields.length === 0 && !cfg.time) || !collection) {
    b.finding(CheckStatus.UNSUPPORTED, 'nothing to compare: set checks.coherence.collection and its fields (or time)');
    return b.build(() => 'no coherence comparison configured');
  }
  const primary = endpointsOf(config)[0]!;
  const conn = await ctx.session.member(primary);
  if (!conn.ok) {
    unreachableFinding(b, primary, conn.error);
    return b.build(() => `cannot compare sources: ${describeEndpoint(primary)} unreachable [${conn.error.code}]`);
  }
  const g: Gathered = await gather(conn.client.db(config.mongodb.database), collection, cfg, ctx);
  const sources = [...g.counts.keys()].sort();
  b.evidence.collection = collection;
  b.evidence.reference = cfg.reference ?? null;
  b.evidence.sources = Object.fromEntries(g.counts);
  for (const s of sources) b.measure('coherence_documents', g.counts.get(s)!, { labels: { source: s }, key: `coherence_documents[${s}]` });
  if (cfg.reference && !g.counts.has(cfg.reference)) {
    b.finding(CheckStatus.FAIL, `reference source ${cfg.reference} has no document in ${collection} (sources seen: ${sources.join(', ') || 'none'})`);
  } else if (sources.length < 2) {
    b.finding(CheckStatus.UNSUPPORTED, `${collection} holds ${sources.length} source(s) in ${cfg.source_field}: nothing to compare`);
  } else {
    compareFields(b, cfg, g, sources);
    if (cfg.time) compareProfiles(b, cfg, g, sources);
  }
  if (cfg.time?.pairs.length) comparePairs(b, cfg, g);
  return b.build((status) => {
    const head = `${sources.length} sources × ${cfg.fields.length} fields${cfg.time ? ` + time profile${cfg.time.pairs.length ? ` + ${cfg.time.pairs.length} pair(s)` : ''}` : ''} compared${cfg.reference ? ` with ${cfg.reference}` : ''}`;
    return status === CheckStatus.PASS ? `${head}: coherent` : `${head}; ${firstProblem(b.findings)?.message ?? status}`;
  });
}
