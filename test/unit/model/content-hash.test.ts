import { describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/model/content-hash.js';
import { compareCursor, keyId } from '../../../src/model/primary-key.js';

describe('contentHash', () => {
  it('ignores lineage, _id and key order, and sees every content change', () => {
    const a = { id_station: '07015', dh_utc: new Date('2024-10-05T00:00:00Z'), temperature_c: 12.5, _proofline: { run_id: 'r1' } };
    const b = { temperature_c: 12.5, _id: 'x', dh_utc: new Date('2024-10-05T00:00:00Z'), id_station: '07015', _proofline: { run_id: 'r2', ingested_at: new Date() } };
    expect(contentHash(a)).toBe(contentHash(b));
    expect(contentHash({ ...a, temperature_c: 12.6 })).not.toBe(contentHash(a));
    expect(contentHash({ ...a, dh_utc: new Date('2024-10-05T01:00:00Z') })).not.toBe(contentHash(a));
    // A date and its ISO string are different content.
    expect(contentHash({ ...a, dh_utc: '2024-10-05T00:00:00.000Z' })).not.toBe(contentHash(a));
    expect(contentHash({ ...a, temperature_c: null })).not.toBe(contentHash({ ...a, temperature_c: undefined }));
  });
});

describe('keyId', () => {
  it('joins key parts, dates as ISO, and names missing parts', () => {
    expect(keyId({ id_station: '07015', dh_utc: new Date('2024-10-05T00:00:00Z') }, ['id_station', 'dh_utc'])).toEqual({ id: '07015|2024-10-05T00:00:00.000Z' });
    expect(keyId({ a: { b: 3 } }, ['a.b'])).toEqual({ id: '3' });
    expect(keyId({ id_station: '', dh_utc: null }, ['id_station', 'dh_utc'])).toEqual({ missing: ['id_station', 'dh_utc'] });
  });
});

describe('compareCursor', () => {
  it('orders dates, numbers and strings, with missing values first', () => {
    expect(compareCursor(new Date(1), new Date(2))).toBeLessThan(0);
    expect(compareCursor(10, 9)).toBeGreaterThan(0);
    expect(compareCursor('2024-10-05', '2024-10-04')).toBeGreaterThan(0);
    expect(compareCursor(undefined, 1)).toBeLessThan(0);
    expect(compareCursor(5, 5)).toBe(0);
  });
});
