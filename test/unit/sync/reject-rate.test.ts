import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_REJECT_RATE, rejectRateVerdict } from '../../../src/sync/reject-rate.js';

describe('reject-rate rule', () => {
  it('fails a stream above the 10 % default when the config sets no limit, and says why', () => {
    expect(DEFAULT_MAX_REJECT_RATE).toBe(0.1);
    expect(rejectRateVerdict({ read: 100, rejected: 10 }).exceeded).toBe(false);
    const v = rejectRateVerdict({ read: 100, rejected: 11 });
    expect(v.exceeded).toBe(true);
    expect(v.reason).toBe('rejected 11 of 100 records (11 %), more than the default max_reject_rate 10 %');
  });

  it('max_reject_rate overrides the default either way', () => {
    expect(rejectRateVerdict({ read: 100, rejected: 30 }, 0.5).exceeded).toBe(false);
    expect(rejectRateVerdict({ read: 100, rejected: 2 }, 0.01)).toMatchObject({ exceeded: true, limit: 0.01 });
    expect(rejectRateVerdict({ read: 100, rejected: 2 }, 0.01).reason).toContain('more than max_reject_rate 1 %');
  });

  it('100 % of a non-empty read always fails, even with max_reject_rate 1; an empty read never does', () => {
    expect(rejectRateVerdict({ read: 3, rejected: 3 }, 1)).toMatchObject({ exceeded: true, reason: 'rejected all 3 records read (100 % always fails)' });
    expect(rejectRateVerdict({ read: 0, rejected: 0 }).exceeded).toBe(false);
  });

  it('the weather example (about 1.6 % and 0.3 % rejected) passes the default', () => {
    expect(rejectRateVerdict({ read: 384, rejected: 6 }).exceeded).toBe(false);
    expect(rejectRateVerdict({ read: 1878, rejected: 6 }).exceeded).toBe(false);
  });
});
