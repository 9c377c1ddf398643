import { describe, expect, it } from 'vitest';
import { HourProfile, Reservoir, bestShift, compareDistributions, ksDistance, medianDifference, quantilesOf } from '../../../src/checks/coherence-stats.js';

/** The statistics of the coherence check on fixed data. */

const diurnal = (h: number): number => 12 + 4 * Math.sin(((h - 9) / 24) * 2 * Math.PI);

describe('coherence statistics', () => {
  it('KS distance: 0 for the same sample, 1 for disjoint ones, exact in between', () => {
    expect(ksDistance([1, 2, 3, 4], [4, 3, 2, 1])).toBe(0);
    expect(ksDistance([1, 2, 3], [10, 11])).toBe(1);
    // F_a jumps to 0.5 at 2 while F_b is still 0 until 3: the largest gap is 0.5.
    expect(ksDistance([1, 2, 3, 4], [3, 4, 5, 6])).toBe(0.5);
    expect(ksDistance([], [1])).toBeNaN();
  });

  it('quantiles of a known sample', () => {
    const q = quantilesOf(Array.from({ length: 101 }, (_, i) => i))!;
    expect(q).toMatchObject({ n: 101, min: 0, p50: 50, max: 100 });
    expect(q.p25).toBe(25);
    expect(q.p75).toBe(75);
    expect(q.iqr).toBe(50);
    expect(quantilesOf([])).toBeNull();
  });

  it('a °F copy of a °C sample: large median shift, KS 1, wider IQR', () => {
    const c = Array.from({ length: 200 }, (_, i) => diurnal(i % 24) + (i % 7) * 0.1);
    const f = c.map((x) => x * 1.8 + 32);
    const cmp = compareDistributions(f, c);
    expect(cmp.ks).toBe(1);
    expect(cmp.median_shift).toBeCloseTo(f.sort((a, b) => a - b)[100]! - c.sort((a, b) => a - b)[100]!, 0);
    expect(cmp.median_shift_iqr).toBeGreaterThan(5);
    expect(cmp.iqr_ratio).toBeCloseTo(1.8, 1);
    const same = compareDistributions(c, c);
    expect(same).toEqual({ ks: 0, median_shift: 0, median_shift_iqr: 0, iqr_ratio: 1 });
  });

  it('constant samples never divide by zero', () => {
    expect(compareDistributions([5, 5, 5], [5, 5, 5])).toEqual({ ks: 0, median_shift: 0, median_shift_iqr: 0, iqr_ratio: 1 });
    const d = compareDistributions([6, 6, 6], [5, 5, 5]);
    expect(Number.isFinite(d.median_shift_iqr)).toBe(true);
    expect(d.median_shift_iqr).toBeGreaterThan(1000);
  });

  it('hour profile rounds to the nearest hour, and bestShift finds a one-hour slip with sub-hour precision', () => {
    const ref = new HourProfile();
    const late = new HourProfile();
    const halfLate = new HourProfile();
    const day = Date.UTC(2024, 9, 25);
    for (let m = 0; m < 3 * 24 * 60; m += 5) {
      const t = day + m * 60_000;
      const h = m / 60;
      ref.add(t, diurnal(h));
      late.add(t + 3_600_000, diurnal(h));
      halfLate.add(t + 1_800_000, diurnal(h));
    }
    // 14:55 counts at 15:00: the profile's peak stays at 15 h.
    const means = ref.means();
    expect(means.indexOf(Math.max(...(means as number[])))).toBe(15);
    expect(bestShift(ref.means(), ref.means(), 12, true)!.shift_h).toBeCloseTo(0, 5);
    expect(bestShift(ref.means(), late.means(), 12, true)!.shift_h).toBeCloseTo(1, 1);
    expect(bestShift(late.means(), ref.means(), 12, true)!.shift_h).toBeCloseTo(-1, 1);
    const half = bestShift(ref.means(), halfLate.means(), 12, true)!.shift_h;
    expect(half).toBeGreaterThan(0.3);
    expect(half).toBeLessThan(0.7);
  });

  it('bestShift is null without overlap; medianDifference skips the gaps', () => {
    expect(bestShift([1, null, 3], [null, 2, null], 1, false)).toBeNull();
    expect(medianDifference([1, 2, null, 4], [3, null, 5, 7])).toEqual({ bias: 2.5, overlap: 2 });
    expect(medianDifference([null], [1])).toBeNull();
  });

  it('the reservoir is bounded, uniform enough and reproducible', () => {
    const a = new Reservoir(100, 7);
    const b = new Reservoir(100, 7);
    for (let i = 0; i < 10_000; i++) {
      a.add(i);
      b.add(i);
    }
    expect(a.values).toHaveLength(100);
    expect(a.seen).toBe(10_000);
    expect(a.values).toEqual(b.values);
    const mean = a.values.reduce((s, x) => s + x, 0) / 100;
    expect(mean).toBeGreaterThan(3_500);
    expect(mean).toBeLessThan(6_500);
  });
});
