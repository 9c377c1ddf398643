import { describe, expect, it } from 'vitest';
import { describeDrift, diffRecord, DriftTracker, sourceFields } from '../../../src/sync/schema-drift.js';

const expected = { station: 'string', temp: 'number', humidity: 'integer' } as const;

describe('schema drift diffing', () => {
  it('finds new fields, missing ones and type changes; null and integer-for-number are no change', () => {
    expect(diffRecord({ station: 'S1', temp: 12, humidity: null }, expected)).toEqual([]);
    expect(diffRecord({ station: 'S1', humidity: 80, wind: 3 }, expected)).toEqual([
      { field: 'temp', kind: 'missing', expected: 'number' },
      { field: 'wind', kind: 'new', seen: 'integer' },
    ]);
    expect(diffRecord({ station: 'S1', temp: '12,5', humidity: 80.5 }, expected)).toEqual([
      { field: 'temp', kind: 'type_changed', expected: 'number', seen: 'string' },
      { field: 'humidity', kind: 'type_changed', expected: 'integer', seen: 'number' },
    ]);
    expect(diffRecord({ station: 1, temp: 1, humidity: 1 }, { station: 'any', temp: 'any', humidity: 'any' })).toEqual([]);
  });

  it('an export missing its Temperature and Humidity columns shows as missing fields, not silent nulls', () => {
    const t = new DriftTracker({ Time: 'string', Temperature: 'string', Humidity: 'string', Wind: 'string' }, 'warn');
    for (let row = 1; row <= 3; row++) t.observe({ Time: '12:00 AM', Wind: 'N', _ab_source_file_url: 'a.xlsx', _ab_source_file_row: row });
    const r = t.report();
    expect(r.byKind).toEqual({ new: 0, missing: 2, type_changed: 0 });
    expect(describeDrift(r)).toBe('missing field Humidity (3 records); missing field Temperature (3 records)');
  });

  it('looks inside Airbyte raw records and ignores bookkeeping keys and unparseable rows', () => {
    expect(sourceFields({ _airbyte_raw_id: 'x', _airbyte_data: '{"a":1}', _ab_source_file_row: 1 })).toEqual({ a: 1 });
    expect(sourceFields({ a: 1, _pl_source: 's', _ab_source_file_url: 'f' })).toEqual({ a: 1 });
    expect(sourceFields({ _proofline_error: { rule: 'parse' }, _raw: '{' })).toBeUndefined();
  });

  it('aggregates per field over the run, by kind then name', () => {
    const t = new DriftTracker(expected, 'fail');
    t.observe({ station: 'S', temp: 1, humidity: 2, extra: 'x' });
    t.observe({ station: 'S', temp: 1, extra: 'y' });
    const r = t.report();
    expect(r.policy).toBe('fail');
    expect(r.fields).toEqual([
      { field: 'extra', kind: 'new', seen: 'string', records: 2 },
      { field: 'humidity', kind: 'missing', expected: 'integer', records: 1 },
    ]);
  });
});
