import { describe, expect, it } from 'vitest';
import { barChart, formatDuration, groupedBarChart, histogram, lineChart, wrapLabel, yAxis } from '../../../src/report/svg.js';

const attr = (svg: string, re: RegExp): string[] => [...svg.matchAll(re)].map((m) => m[1]!);

describe('chart axes', () => {
  it('scales a lag chart to its samples and annotates a far threshold above it', () => {
    const svg = lineChart('lag', 'lag', [{ name: 'replica-1', points: [1.2, 2, 1.5, 1.8] }], { unit: 'ms', threshold: 2000, thresholdLabel: 'threshold' });
    const max = Number(attr(svg, /data-axis-max="([^"]+)"/g)[0]);
    expect(max).toBeGreaterThanOrEqual(2);
    expect(max).toBeLessThan(10);
    expect(svg).toContain('threshold 2 s (above the chart)');
    expect(svg).not.toMatch(/<line class="threshold"/);
  });

  it('keeps a close threshold on the axis as a line', () => {
    const svg = barChart('b', 'b', [{ label: 'a', value: 40 }], { unit: 'ms', threshold: 50 });
    expect(svg).toMatch(/<line class="threshold" data-value="50"/);
    expect(Number(attr(svg, /data-axis-max="([^"]+)"/g)[0])).toBeGreaterThanOrEqual(50);
  });

  it('formats millisecond ticks as durations and steps in the unit read', () => {
    expect(formatDuration(665_280_000)).toBe('7.7 d');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(2.5)).toBe('2.5 ms');
    const axis = yAxis([235_000], [], { unit: 'ms' });
    expect(axis.ticks.every((t) => t % 60_000 === 0)).toBe(true);
    const svg = barChart('f', 'freshness', [{ label: 'freshness', value: 665_280_000 }], { unit: 'ms' });
    const ticks = attr(svg, /class="tick y-tick" data-value="[^"]+">([^<]+)</g);
    expect(ticks.some((t) => t.endsWith(' d'))).toBe(true);
    expect(ticks.every((t) => t.length <= 8)).toBe(true);
  });

  it('gives count axes integer ticks, even for tiny counts', () => {
    const svg = histogram('h', 'ping', [1, 1.1, 1.2, 1.3, 5], { unit: 'ms' });
    const ticks = attr(svg, /class="tick y-tick" data-value="([^"]+)"/g).map(Number);
    expect(ticks.length).toBeGreaterThan(1);
    expect(ticks.every(Number.isInteger)).toBe(true);
  });
});

describe('chart labels and empty data', () => {
  const long = ['null_rate:temperature_celsius_at_two_metres', 'dew point below temperature (dew_point_c <= temperature_c)', 'infoclimat_hourly inserted'];

  it('wraps a label without losing a character', () => {
    for (const l of long) expect(wrapLabel(l, 10).join('')).toBe(l);
    expect(wrapLabel('dew point below temperature', 12)).toEqual(['dew point ', 'below ', 'temperature']);
  });

  it('prints every category label in full, wrapped into lines or listed in a key', () => {
    const few = barChart('q', 'quality', long.map((label) => ({ label, value: 1 })));
    const shown = attr(few, /<text class="tick category" data-label="[^"]*"[^>]*>(.*?)<\/text>/g).map((t) => t.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<'));
    expect(shown).toEqual(long);
    const many = barChart('m', 'many', Array.from({ length: 30 }, (_, i) => ({ label: `${long[1]} #${i}`, value: i })));
    expect(many).toContain('<ol class="chart-key">');
    expect(many).toContain(`<li>${long[1]!.replace('<', '&lt;')} #29</li>`);
  });

  it('says when every value is 0 and marks each zero bar on the baseline', () => {
    const svg = barChart('z', 'zeros', [{ label: 'a', value: 0 }, { label: 'b', value: 0 }], { integer: true });
    expect(svg).toContain('all values are 0');
    expect(svg.match(/class="zero-mark"/g)).toHaveLength(2);
  });

  it('groups the sync-run bars per stream with a legend', () => {
    const svg = groupedBarChart('runs', 'runs', [{ label: 'infoclimat_hourly', values: { inserted: 378, updated: 0, unchanged: 0, rejected: 6 } }, { label: 'stations', values: { inserted: 4, updated: 0, unchanged: 4, rejected: 0 } }], ['inserted', 'updated', 'unchanged', 'rejected'], { integer: true });
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(8);
    expect(svg.match(/class="legend"/g)).toHaveLength(4);
    expect(attr(svg, /data-series="rejected" data-category="infoclimat_hourly"/g)).toHaveLength(1);
    expect(attr(svg, /class="tick category" data-label="([^"]+)"/g)).toEqual(['infoclimat_hourly', 'stations']);
  });

  it('draws at the content width (viewBox, width 100%)', () => {
    expect(barChart('w', 'w', [{ label: 'a', value: 1 }])).toMatch(/viewBox="0 0 960 \d+" width="100%"/);
  });
});
