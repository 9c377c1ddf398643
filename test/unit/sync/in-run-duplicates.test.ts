import { describe, expect, it } from 'vitest';
import { InRunDuplicates } from '../../../src/sync/in-run-duplicates.js';

describe('in-run duplicate resolution', () => {
  it('the newest by cursor wins, whatever the order the records arrive in', () => {
    const d = new InRunDuplicates();
    expect(d.judge('S1|2024-01-01', new Date('2024-01-01T10:00:00Z'))).toBe('first');
    expect(d.judge('S1|2024-01-01', new Date('2024-01-01T09:00:00Z'))).toBe('loses');
    expect(d.judge('S1|2024-01-01', new Date('2024-01-01T11:00:00Z'))).toBe('wins');
    // The winner is now 11:00: a 10:30 version loses against it.
    expect(d.judge('S1|2024-01-01', new Date('2024-01-01T10:30:00Z'))).toBe('loses');
  });

  it('equal cursor, or no cursor at all: the record read last wins', () => {
    const d = new InRunDuplicates();
    expect(d.judge('k', 5)).toBe('first');
    expect(d.judge('k', 5)).toBe('wins');
    expect(d.judge('n', undefined)).toBe('first');
    expect(d.judge('n', undefined)).toBe('wins');
  });

  it('keys are independent and each is remembered once', () => {
    const d = new InRunDuplicates();
    expect(d.judge('a', 1)).toBe('first');
    expect(d.judge('b', 0)).toBe('first');
    expect(d.judge('a', 0)).toBe('loses');
    expect(d.keys).toBe(2);
  });
});
