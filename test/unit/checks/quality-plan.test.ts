import { describe, expect, it } from 'vitest';
import { docsPerSecond, fieldsOf, projectionOf, uniqueIndexOn } from '../../../src/checks/quality-plan.js';
import { newest } from '../../../src/checks/quality-rules.js';

describe('quality check at scale: what a pass reads', () => {
  it('projects only the fields the rules read, without path collisions', () => {
    const fields = [
      ...fieldsOf({ type: 'null_rate', field: 'temperature_c', max: 0.05, severity: 'fail' }),
      ...fieldsOf({ type: 'cross_field', left: 'dew_point_c', op: '<=', right: 'temperature_c', tolerance: 0.5, max_violations: 0, severity: 'fail' }),
      ...fieldsOf({ type: 'volume', time_field: 'dh_utc', source_field: 'source', min_per_day: 20, severity: 'fail' }),
      '_proofline.ingested_at',
      '_proofline',
      'a.b.c',
      'a.b',
    ];
    expect(projectionOf(fields)).toEqual({ _proofline: 1, 'a.b': 1, dew_point_c: 1, dh_utc: 1, source: 1, temperature_c: 1 });
  });

  it('a unique index over the whole collection on exactly the key answers the duplicates rule', () => {
    const indexes = [
      { name: '_id_', key: { _id: 1 } },
      { name: 'ix_source_dh_utc', key: { source: 1, dh_utc: 1 } },
      { name: 'pk_id_station_dh_utc', key: { id_station: 1, dh_utc: 1 }, unique: true },
    ];
    expect(uniqueIndexOn(indexes, ['dh_utc', 'id_station'])).toBe('pk_id_station_dh_utc');
    expect(uniqueIndexOn(indexes, ['source', 'dh_utc'])).toBeNull(); // not unique
    expect(uniqueIndexOn(indexes, ['id_station'])).toBeNull(); // a prefix is not the key
    // Sparse and partial unique indexes let documents without the key repeat.
    expect(uniqueIndexOn([{ name: 's', key: { k: 1 }, unique: true, sparse: true }], ['k'])).toBeNull();
    expect(uniqueIndexOn([{ name: 'p', key: { k: 1 }, unique: true, partialFilterExpression: { k: { $exists: true } } }], ['k'])).toBeNull();
  });

  it('docs/s is null when nothing was read', () => {
    expect(docsPerSecond(0, 10)).toBeNull();
    expect(docsPerSecond(10, 0)).toBeNull();
    expect(docsPerSecond(5000, 2000)).toBe(2500);
  });

  it('freshness in the stream is the newest convertible value', () => {
    const ev = newest({ type: 'freshness', field: 'm.at', max_age: '1h', severity: 'fail' });
    for (const d of [{ m: { at: new Date('2024-01-02T00:00:00Z') } }, { m: { at: '2024-01-03T00:00:00Z' } }, { m: { at: 'garbage' } }, { m: null }, {}]) ev.visit(d);
    const now = Date.parse('2024-01-03T01:00:00Z');
    expect(ev.finish(now)).toMatchObject({ value: 3_600_000, evaluated: 1, detail: { newest: '2024-01-03T00:00:00.000Z', documents_with_value: 2 } });
    expect(newest({ type: 'freshness', field: 'x', max_age: '1h', severity: 'fail' }).finish(now)).toMatchObject({ value: null, evaluated: 0 });
  });
});
