import { describe, expect, it } from 'vitest';
import { accounted, emptyCounts, withUnwritten } from '../../../src/store/stream-counts.js';

/** A failed stream still balances: what it read and never stored is counted `unwritten`. */

describe('stream counts', () => {
  it('counts the records a failed run read but never stored as unwritten', () => {
    const c = { ...emptyCounts(), read: 150, inserted: 120, rejected: 5, rejectedByKind: { maximum: 5 } };
    const failed = withUnwritten(c);
    expect(failed.unwritten).toBe(25);
    expect(accounted(failed)).toBe(failed.read);
  });

  it('adds nothing when every record read is accounted for', () => {
    const c = { ...emptyCounts(), read: 3, inserted: 2, unchanged: 1 };
    expect(withUnwritten(c)).toEqual(c);
    expect(withUnwritten(c).unwritten).toBeUndefined();
  });
});
