import { describe, expect, it } from 'vitest';
import { percentile, summarize } from '../../../src/checks/stats.js';
import { formatMs, parseDuration } from '../../../src/common/duration.js';

describe('percentiles', () => {
  it('uses nearest rank, so every percentile is an observed sample', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 95)).toBe(95);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('summarizes unsorted samples and ignores timeouts (null)', () => {
    const s = summarize([5, null, 1, 3, null, 2, 4]);
    expect(s).toMatchObject({ count: 5, min: 1, p50: 3, p95: 5, max: 5, mean: 3 });
    expect(summarize([null]).p95).toBeNull();
  });
});

describe('durations', () => {
  it('parses the config forms and prints human ones', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(() => parseDuration('3 weeks')).toThrow(/invalid duration/);
    expect(formatMs(5012)).toBe('5.01 s');
    expect(formatMs(null)).toBe('n/a');
  });
});
