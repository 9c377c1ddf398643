import { describe, expect, it } from 'vitest';
import { crossField, holds, nullRate, range, ruleName, volume } from '../../../src/checks/quality-rules.js';

const run = (ev: ReturnType<typeof nullRate>, docs: Record<string, unknown>[]) => {
  for (const d of docs) ev.visit(d);
  return ev.finish(Date.now());
};

describe('streaming quality rules', () => {
  it('null rate counts null and missing values over all documents', () => {
    const r = run(nullRate({ type: 'null_rate', field: 'a.b', max: 0.5, severity: 'fail' }), [{ a: { b: 1 } }, { a: { b: null } }, { a: {} }, {}]);
    expect(r.value).toBe(0.75);
    expect(r.detail).toMatchObject({ nulls: 3, total: 4 });
  });

  it('range counts numbers outside [min, max] and skips nulls', () => {
    const r = run(range({ type: 'range', field: 't', min: -60, max: 60, max_violations: 0, severity: 'fail' }), [{ _id: 1, t: 61 }, { _id: 2, t: -61 }, { t: 60 }, { t: null }]);
    expect(r).toMatchObject({ value: 2, evaluated: 3 });
    expect((r.detail.examples as unknown[]).length).toBe(2);
  });

  it('cross-field rules apply the tolerance in the direction of the operator', () => {
    expect(holds(10.4, '<=', 10, 0.5)).toBe(true);
    expect(holds(10.6, '<=', 10, 0.5)).toBe(false);
    expect(holds(9.6, '>=', 10, 0.5)).toBe(true);
    expect(holds(10.2, '==', 10, 0.5)).toBe(true);
    expect(holds(10.2, '!=', 10, 0.5)).toBe(false);
    const rule = { type: 'cross_field', left: 'dew', op: '<=', right: 'temp', tolerance: 0.5, max_violations: 0, severity: 'fail' } as const;
    const r = run(crossField(rule), [{ dew: 5, temp: 10 }, { dew: 11, temp: 10 }, { dew: null, temp: 3 }]);
    expect(r).toMatchObject({ value: 1, evaluated: 2 });
    expect(ruleName(rule)).toBe('cross_field:dew<=temp');
  });

  it('volume counts per source per UTC day, gaps and expected-but-missing sources as 0', () => {
    const day = (d: number, h = 0) => new Date(Date.UTC(2024, 9, d, h));
    const docs = [
      ...Array.from({ length: 24 }, (_, h) => ({ source: 'infoclimat', t: day(1, h) })),
      ...Array.from({ length: 24 }, (_, h) => ({ source: 'infoclimat', t: day(3, h) })),
      { source: 'infoclimat', t: day(3, 5) },
    ];
    const r = run(volume({ type: 'volume', time_field: 't', source_field: 'source', min_per_day: 24, max_per_day: 24, sources: ['wunderground'], severity: 'fail' }), docs);
    const out = r.detail.out_of_range as { source: string; day: string; count: number }[];
    expect(out).toContainEqual({ source: 'infoclimat', day: '2024-10-02', count: 0 });
    expect(out).toContainEqual({ source: 'infoclimat', day: '2024-10-03', count: 25 });
    expect(out.filter((o) => o.source === 'wunderground')).toHaveLength(3);
    expect(r.value).toBe(5);
  });

  it('volume with a window judges only the last days of the data', () => {
    const day = (d: number, h = 0) => new Date(Date.UTC(2024, 9, d, h));
    // An old isolated day (Oct 1), a long gap, then two complete days (Oct 20, 21).
    const docs = [1, 20, 21].flatMap((d) => Array.from({ length: 24 }, (_, h) => ({ source: 'infoclimat', t: day(d, h) })));
    const all = run(volume({ type: 'volume', time_field: 't', source_field: 'source', min_per_day: 24, severity: 'fail' }), docs);
    expect(all.value).toBe(18);
    const recent = run(volume({ type: 'volume', time_field: 't', source_field: 'source', min_per_day: 24, window: '2d', severity: 'fail' }), docs);
    expect(recent.value).toBe(0);
    const three = run(volume({ type: 'volume', time_field: 't', source_field: 'source', min_per_day: 24, window: '3d', severity: 'fail' }), docs);
    expect(three.detail.out_of_range).toEqual([{ source: 'infoclimat', day: '2024-10-19', count: 0 }]);
  });
});
