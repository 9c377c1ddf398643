import { describe, expect, it } from 'vitest';
import { parseUtcTimestamp } from '../../../src/common/time.js';
import { LocalTimeResolver, parseClockTime, utcCandidates } from '../../../src/transform/local-time.js';

describe('parseClockTime', () => {
  it.each([
    ['12:04 AM', 0, 4],
    ['12:34 PM', 12, 34],
    ['1:35 PM', 13, 35],
    ['11:59 PM', 23, 59],
    ['2:04\u00a0AM', 2, 4],
    ['2:04 a.m.', 2, 4],
    ['13:35', 13, 35],
    ['00:04:00', 0, 4],
  ])('%j → %d:%d', (raw, h, m) => {
    expect(parseClockTime(raw)).toMatchObject({ hour: h, minute: m });
  });
  it.each(['', '25:00', '13:00 PM', '12:60 AM', 'noon', '0:04 AM'])('rejects %j', (raw) => {
    expect(parseClockTime(raw)).toBeUndefined();
  });
});

describe('local time → UTC through the IANA zone', () => {
  it('converts an ordinary summer and winter time', () => {
    const r = new LocalTimeResolver('Europe/Paris');
    expect(r.resolve('2024-07-14', '12:04 AM')).toEqual({ ok: true, utc: new Date('2024-07-13T22:04:00Z') });
    expect(new LocalTimeResolver('Europe/Brussels').resolve('2024-12-01', '1:35 PM')).toEqual({ ok: true, utc: new Date('2024-12-01T12:35:00Z') });
  });

  it('autumn change: the repeated hour is kept twice, first summer then winter, one hour apart', () => {
    const r = new LocalTimeResolver('Europe/Paris');
    const times = ['1:54 AM', '1:59 AM', '2:04 AM', '2:34 AM', '2:59 AM', '2:04 AM', '2:34 AM', '2:59 AM', '3:04 AM'];
    const utc = times.map((t) => {
      const o = r.resolve('2024-10-27', t);
      if (!o.ok) throw new Error(o.message);
      return o.utc.toISOString();
    });
    expect(utc).toEqual([
      '2024-10-26T23:54:00.000Z',
      '2024-10-26T23:59:00.000Z',
      '2024-10-27T00:04:00.000Z',
      '2024-10-27T00:34:00.000Z',
      '2024-10-27T00:59:00.000Z',
      '2024-10-27T01:04:00.000Z',
      '2024-10-27T01:34:00.000Z',
      '2024-10-27T01:59:00.000Z',
      '2024-10-27T02:04:00.000Z',
    ]);
    expect(new Set(utc).size).toBe(utc.length);
    expect(Date.parse(utc[5]!) - Date.parse(utc[2]!)).toBe(3600_000);
  });

  it('autumn change with hourly rows: the same local time twice', () => {
    const r = new LocalTimeResolver('Europe/Brussels');
    const a = r.resolve('2024-10-27', '2:00 AM');
    const b = r.resolve('2024-10-27', '2:00 AM');
    expect(a.ok && b.ok && b.utc.getTime() - a.utc.getTime()).toBe(3600_000);
  });

  it('spring change: a time inside the missing hour is rejected as dst_gap, not shifted', () => {
    const r = new LocalTimeResolver('Europe/Paris');
    expect(r.resolve('2024-03-31', '1:59 AM')).toEqual({ ok: true, utc: new Date('2024-03-31T00:59:00Z') });
    const gap = r.resolve('2024-03-31', '2:34 AM');
    expect(gap.ok).toBe(false);
    expect(!gap.ok && gap.rule).toBe('dst_gap');
    expect(r.resolve('2024-03-31', '3:00 AM')).toEqual({ ok: true, utc: new Date('2024-03-31T01:00:00Z') });
  });

  it('reports unparseable times, missing dates and unknown zones with their own rule', () => {
    const bad = new LocalTimeResolver('Europe/Paris').resolve('2024-10-27', 'sometime');
    expect(!bad.ok && bad.rule).toBe('time_format');
    const noDate = new LocalTimeResolver('Europe/Paris').resolve('', '1:00 AM');
    expect(!noDate.ok && noDate.rule).toBe('time_format');
    const zone = new LocalTimeResolver('Mars/Olympus').resolve('2024-10-27', '1:00 AM');
    expect(!zone.ok && zone.rule).toBe('time_zone');
  });

  it('utcCandidates lists 2 instants in the repeat, 0 in the gap, 1 otherwise', () => {
    expect(utcCandidates('2024-10-27', { hour: 2, minute: 30, second: 0 }, 'Europe/Paris')).toHaveLength(2);
    expect(utcCandidates('2024-03-31', { hour: 2, minute: 30, second: 0 }, 'Europe/Paris')).toHaveLength(0);
    expect(utcCandidates('2024-03-31', { hour: 4, minute: 0, second: 0 }, 'Europe/Paris')).toHaveLength(1);
  });
});

describe('parseUtcTimestamp (InfoClimat dh_utc)', () => {
  it('reads "YYYY-MM-DD HH:mm:ss" and ISO as UTC', () => {
    expect(parseUtcTimestamp('2024-10-05 00:00:00')).toEqual(new Date('2024-10-05T00:00:00Z'));
    expect(parseUtcTimestamp('2024-10-05T13:00:00Z')).toEqual(new Date('2024-10-05T13:00:00Z'));
  });
  it('rejects empty and garbage', () => {
    expect(parseUtcTimestamp('')).toBeUndefined();
    expect(parseUtcTimestamp('2024-13-45 00:00:00')).toBeUndefined();
    expect(parseUtcTimestamp(null)).toBeUndefined();
  });
});
