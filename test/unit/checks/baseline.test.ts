import { describe, expect, it } from 'vitest';
import { judgeBaseline, robustZ, slotOf } from '../../../src/checks/baseline.js';
import { volume } from '../../../src/checks/quality-rules.js';

/** Learned baselines on fixed data: same-weekday history, robust z-score, minimum points. */

const DAY = 86_400_000;
// Monday 2024-09-02, then one point per day for 8 weeks: 24 readings on weekdays, 10 on weekends.
const start = Date.UTC(2024, 8, 2);
const history = Array.from({ length: 56 }, (_, i) => {
  const at = start + i * DAY;
  const weekend = [0, 6].includes(new Date(at).getUTCDay());
  return { at, value: (weekend ? 10 : 24) + ((i * 7) % 3) - 1 };
});
const opts = { min_points: 4, max_z: 3.5, slot: 'weekday' as const };

describe('learned baselines', () => {
  it('robust z: 0 at the median, scaled by the MAD, not moved by one outlier in history', () => {
    expect(robustZ(5, [4, 5, 6]).z).toBe(0);
    expect(robustZ(7, [4, 5, 6]).z).toBeCloseTo((0.6745 * 2) / 1, 6);
    // One absurd day in history barely moves the band.
    expect(robustZ(7, [4, 5, 6, 5, 1000]).median).toBe(5);
    expect(Math.abs(robustZ(6, [5, 5, 5]).z)).toBe(1e6);
  });

  it('compares a day only with the same weekday: 10 documents is normal on a Sunday, an anomaly on a Monday', () => {
    const sunday = start + 62 * DAY; // a Sunday after the history
    const monday = start + 63 * DAY;
    expect(slotOf(sunday, 'weekday')).toBe(0);
    expect(judgeBaseline(10, sunday, history, opts)).toMatchObject({ kind: 'ok', points: 8 });
    const v = judgeBaseline(10, monday, history, opts);
    expect(v.kind).toBe('anomaly');
    if (v.kind !== 'insufficient') {
      expect(v.median).toBe(24);
      expect(v.z).toBeLessThan(-3.5);
      expect(v.expected[0]).toBeGreaterThan(10);
    }
    expect(judgeBaseline(24, monday, history, opts).kind).toBe('ok');
  });

  it('says when history is too short, and ignores points at or after the judged time', () => {
    const firstWeeks = history.slice(0, 21); // three of each weekday
    expect(judgeBaseline(24, start + 21 * DAY, firstWeeks, opts)).toEqual({ kind: 'insufficient', points: 3, needed: 4 });
    expect(judgeBaseline(24, start, history, opts)).toEqual({ kind: 'insufficient', points: 0, needed: 4 });
  });

  it('weekday_hour slots separate the hours of one weekday', () => {
    const hourly = Array.from({ length: 6 * 7 * 24 }, (_, i) => ({ at: start + i * 3_600_000, value: (i % 24) * 10 }));
    const next = start + 6 * 7 * DAY + 15 * 3_600_000; // a Monday, 15:00
    expect(judgeBaseline(150, next, hourly, { ...opts, slot: 'weekday_hour' })).toMatchObject({ kind: 'ok', points: 6, median: 150 });
    expect(judgeBaseline(20, next, hourly, { ...opts, slot: 'weekday_hour' }).kind).toBe('anomaly');
  });

  it('a volume rule with a baseline flags the newest day that falls short of its weekday, and says when history is short', () => {
    const ev = volume({ type: 'volume', time_field: 't', source_field: 's', severity: 'fail', baseline: { min_points: 4, max_z: 3.5 } });
    // Five weeks and a day of source "a" (24 a day, 23 on even days), the last day (a Monday) with only 5;
    // source "b" appears on the last 3 days only.
    for (let d = 0; d <= 35; d++) {
      const n = d === 35 ? 5 : 24 - (d % 2);
      for (let i = 0; i < n; i++) ev.visit({ t: new Date(start + d * DAY + i * 3_600_000), s: 'a' });
      if (d >= 33) for (let i = 0; i < 24; i++) ev.visit({ t: new Date(start + d * DAY + i * 3_600_000), s: 'b' });
    }
    const r = ev.finish(start + 36 * DAY);
    expect(r.value).toBe(1);
    const detail = r.detail as { baseline: Record<string, { kind: string; points?: number; median?: number }>; out_of_range: { source: string; reason?: string }[] };
    expect(detail.baseline.a).toMatchObject({ kind: 'anomaly', points: 5 });
    expect(detail.out_of_range[0]).toMatchObject({ source: 'a', count: 5 });
    expect(detail.out_of_range[0]!.reason).toMatch(/^baseline: 5 vs a median of 2[34] on the same weekday \(robust z -\d+/);
    // "b" is new: its history starts on its own first day, so there is no past Monday to judge by.
    expect(detail.baseline.b).toEqual({ kind: 'insufficient', points: 0, needed: 4 });
  });
});
