import { interquartileRange, median, quantileSorted, sampleCorrelation } from 'simple-statistics';
import { mulberry32 } from '../common/prng.js';

/**
 * The statistics behind the coherence check, as pure functions over plain numbers so they
 * are unit-tested without a server. Quantiles, IQR, medians and correlations come from
 * simple-statistics; the two-sample Kolmogorov–Smirnov distance, which it lacks, is the
 * classic merge of two sorted samples.
 */

/** A bounded, seeded, uniform sample of a stream of numbers (Algorithm R): the same data gives the same sample. */
export class Reservoir {
  readonly values: number[] = [];
  seen = 0;
  private readonly random: () => number;

  constructor(
    readonly capacity: number,
    seed = 1,
  ) {
    this.random = mulberry32(seed);
  }

  add(v: number): void {
    this.seen++;
    if (this.values.length < this.capacity) this.values.push(v);
    else {
      const j = Math.floor(this.random() * this.seen);
      if (j < this.capacity) this.values[j] = v;
    }
  }
}

export interface Quantiles {
  n: number;
  min: number;
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  max: number;
  iqr: number;
}

export function quantilesOf(values: readonly number[]): Quantiles | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): number => quantileSorted(s, p);
  return { n: s.length, min: s[0]!, p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95), max: s[s.length - 1]!, iqr: interquartileRange(s) };
}

/** sup |F_a(x) − F_b(x)| over the two empirical distribution functions: 0 same, 1 disjoint. */
export function ksDistance(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || b.length === 0) return NaN;
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < x.length && x[i]! <= v) i++;
    while (j < y.length && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

export interface DistributionComparison {
  ks: number;
  /** median − reference median, in the field's unit. */
  median_shift: number;
  /** The shift in reference interquartile ranges. */
  median_shift_iqr: number;
  /** max(IQR / reference IQR, reference IQR / IQR); 1 means the same spread. */
  iqr_ratio: number;
}

const CAP = 1e6;

export function compareDistributions(values: readonly number[], reference: readonly number[]): DistributionComparison {
  const shift = median([...values]) - median([...reference]);
  const iqrV = interquartileRange([...values]);
  const iqrR = interquartileRange([...reference]);
  // A constant reference (IQR 0) would divide by zero: fall back to the other spread, then to a tiny one.
  const scale = iqrR > 0 ? iqrR : iqrV > 0 ? iqrV : 1e-9;
  const ratio = iqrV === 0 && iqrR === 0 ? 1 : iqrV === 0 || iqrR === 0 ? CAP : Math.max(iqrV / iqrR, iqrR / iqrV);
  return { ks: ksDistance(values, reference), median_shift: shift, median_shift_iqr: Math.min(CAP, Math.abs(shift) / scale), iqr_ratio: Math.min(CAP, ratio) };
}

/** Sums and counts per hour of day (0…23, UTC), each time rounded to the NEAREST hour so a 14:55 reading counts at 15:00. */
export class HourProfile {
  readonly sum = new Array<number>(24).fill(0);
  readonly count = new Array<number>(24).fill(0);

  add(epochMs: number, value: number): void {
    const h = Math.round(epochMs / 3_600_000) % 24;
    this.sum[h]! += value;
    this.count[h]!++;
  }

  means(): (number | null)[] {
    return this.sum.map((s, h) => (this.count[h]! > 0 ? s / this.count[h]! : null));
  }
}

/** Pearson correlation of the pairs where both sides are present; null with fewer than 3 pairs or no variance. */
function correlation(pairs: [number, number][]): number | null {
  if (pairs.length < 3) return null;
  const r = sampleCorrelation(
    pairs.map((p) => p[0]),
    pairs.map((p) => p[1]),
  );
  return Number.isFinite(r) ? r : null;
}

export interface ShiftEstimate {
  /** Hours by which the series runs late against the reference (+1: its times are one hour too late). */
  shift_h: number;
  /** Correlation at the best whole-hour lag. */
  correlation: number;
  /** Hours (or time points) both series had at that lag. */
  overlap: number;
}

/**
 * The lag that best aligns `series` with `reference`: for each whole lag k in [−maxLag, maxLag],
 * the correlation of reference[t] with series[t + k]; the best k is refined by a parabola
 * through its neighbours (sub-hour resolution). `circular` wraps around (hour-of-day profiles).
 */
export function bestShift(reference: readonly (number | null)[], series: readonly (number | null)[], maxLag: number, circular: boolean): ShiftEstimate | null {
  const n = reference.length;
  const corr = new Map<number, { r: number; overlap: number }>();
  for (let k = -maxLag; k <= maxLag; k++) {
    const pairs: [number, number][] = [];
    for (let t = 0; t < n; t++) {
      const u = circular ? (((t + k) % n) + n) % n : t + k;
      const a = reference[t];
      const b = u >= 0 && u < series.length ? series[u] : null;
      if (a != null && b != null) pairs.push([a, b]);
    }
    const r = correlation(pairs);
    if (r !== null) corr.set(k, { r, overlap: pairs.length });
  }
  let best: number | null = null;
  for (const [k, { r }] of corr) if (best === null || r > corr.get(best)!.r) best = k;
  if (best === null) return null;
  const c0 = corr.get(best)!.r;
  const cm = corr.get(best - 1)?.r;
  const cp = corr.get(best + 1)?.r;
  let delta = 0;
  if (cm !== undefined && cp !== undefined) {
    const denom = cm - 2 * c0 + cp;
    if (denom < 0) delta = Math.max(-0.5, Math.min(0.5, (cm - cp) / (2 * denom)));
  }
  return { shift_h: best + delta, correlation: c0, overlap: corr.get(best)!.overlap };
}

/** The median of b − a over the time points both have. */
export function medianDifference(a: readonly (number | null)[], b: readonly (number | null)[]): { bias: number; overlap: number } | null {
  const diffs: number[] = [];
  for (let t = 0; t < Math.min(a.length, b.length); t++) if (a[t] != null && b[t] != null) diffs.push(b[t]! - a[t]!);
  return diffs.length ? { bias: median(diffs), overlap: diffs.length } : null;
}
