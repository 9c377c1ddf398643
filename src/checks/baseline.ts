import { median, medianAbsoluteDeviation } from 'simple-statistics';

/**
 * Learned baselines: is today's figure (a day's volume, an invalid rate, a lag) within what
 * history predicts? History is seasonal (weekends differ from weekdays), so a value is
 * compared only with past values of the same slot (same weekday, or same weekday and hour),
 * by a robust z-score: 0.6745 · (x − median) / MAD. Median and MAD ignore the outliers a
 * mean and standard deviation would absorb, so one bad day in history does not widen the
 * band. With fewer than `min_points` past values of the slot, no judgement is made.
 */

export interface BaselineOptions {
  /** Past values of the same slot needed before judging (default 4: four weeks of same-weekday days). */
  min_points: number;
  /** |robust z| above this is an anomaly (3.5 is the usual cut-off for the modified z-score). */
  max_z: number;
  slot: 'weekday' | 'weekday_hour';
}

export type BaselineVerdict =
  | { kind: 'insufficient'; points: number; needed: number }
  | { kind: 'ok' | 'anomaly'; points: number; median: number; mad: number; z: number; expected: [number, number] };

export const MAD_SCALE = 0.6745;

/** The slot of a time (UTC): weekday 0–6, or weekday × 24 + hour. */
export function slotOf(t: number, slot: BaselineOptions['slot']): number {
  const d = new Date(t);
  return slot === 'weekday' ? d.getUTCDay() : d.getUTCDay() * 24 + d.getUTCHours();
}

/** Robust z-score of `x` against `history`; a flat history (MAD 0) makes any change infinitely unusual, so it is capped. */
export function robustZ(x: number, history: readonly number[]): { median: number; mad: number; z: number } {
  const m = median([...history]);
  const mad = medianAbsoluteDeviation([...history]);
  if (mad === 0) return { median: m, mad, z: x === m ? 0 : Math.sign(x - m) * 1e6 };
  return { median: m, mad, z: (MAD_SCALE * (x - m)) / mad };
}

/** Judge the value at time `at` against the points of history in the same slot (points at `at` or later are ignored). */
export function judgeBaseline(value: number, at: number, history: readonly { at: number; value: number }[], o: BaselineOptions): BaselineVerdict {
  const slot = slotOf(at, o.slot);
  const same = history.filter((p) => p.at < at && slotOf(p.at, o.slot) === slot).map((p) => p.value);
  if (same.length < o.min_points) return { kind: 'insufficient', points: same.length, needed: o.min_points };
  const r = robustZ(value, same);
  const half = (o.max_z * r.mad) / MAD_SCALE;
  return { kind: Math.abs(r.z) > o.max_z ? 'anomaly' : 'ok', points: same.length, ...r, expected: [r.median - half, r.median + half] };
}
