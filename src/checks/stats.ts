/**
 * Percentiles over raw samples. Nearest-rank (the value at rank ceil(p·n)) so every
 * reported percentile is a latency that was really observed, never an interpolation.
 */

export interface Summary {
  count: number;
  min: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

export function summarize(samples: readonly (number | null)[]): Summary {
  const values = samples.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  const n = values.length;
  return {
    count: n,
    min: n ? values[0]! : null,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: n ? values[n - 1]! : null,
    mean: n ? values.reduce((a, b) => a + b, 0) / n : null,
  };
}

/** Round to 3 decimals: sub-millisecond precision without float noise in reports. */
/**
 * Six significant digits: readable, and unlike a fixed number of decimals it never turns
 * a small but real rate (1 invalid in 2,251 = 0.000444) into 0 and a false pass.
 */
export function significant(v: number | null): number | null {
  if (v === null || !Number.isFinite(v)) return v;
  return Number(v.toPrecision(6));
}

export function round(v: number | null, digits = 3): number | null {
  if (v === null) return null;
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Milliseconds since `start` (a performance.now() reading). */
export function elapsedMs(start: number): number {
  return round(performance.now() - start) as number;
}
