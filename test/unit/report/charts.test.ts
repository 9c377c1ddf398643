import { describe, expect, it } from 'vitest';
import { figure, figureOrZeroRow, specToSvg } from '../../../src/report/charts/render.js';
import { barSpec, lagSpec } from '../../../src/report/charts/specs.js';
import { consequenceOf, formatQuantity, formatThreshold, unitOf } from '../../../src/report/format.js';

describe('Vega-Lite charts rendered server-side', () => {
  it('renders a spec to self-contained SVG in Node, without a browser or canvas', async () => {
    const svg = await specToSvg(barSpec([{ label: 'a', value: 3 }, { label: 'b', value: 5 }], 'ms'));
    expect(svg).toMatch(/^<svg /);
    expect(svg).not.toMatch(/<script|<image|href="http/);
    expect(svg).toContain('role-mark');
    // Durations are labelled with their unit on the axis.
    expect(svg).toMatch(/>\d+(\.\d+)? ms</);
  });

  it('collapses a chart whose values are all zero into one line with the count and the threshold', async () => {
    const f = { id: 'z', caption: 'quality: range violations', spec: barSpec([{ label: 'r', value: 0 }], 'violations'), values: [] };
    const html = await figureOrZeroRow(f, [0, 0, 0], '0 in all 3 rule(s), threshold ≤ 5 violations');
    expect(html).toBe('<p class="zero-row" data-chart="z"><span class="pass">✓</span> quality: range violations: 0 in all 3 rule(s), threshold ≤ 5 violations</p>');
    expect(await figureOrZeroRow(f, [0, 1], 'x')).toContain('<svg');
  });

  it('draws a marker not seen within the timeout as a failure at the timeout, not as a gap or a fake point', async () => {
    const html = await figure({ id: 'lag', caption: 'lag', spec: lagSpec([{ series: 'replica-1', sample: 1, ms: null }], 5000), values: [] });
    expect(html).toContain('not_seen_marks');
    expect(html).toContain('timeout 5.00 s: ✕ = not seen within it');
    expect(html).not.toMatch(/role-mark seen_marks/);
  });
});

describe('numbers with their unit', () => {
  it('formats a value and its threshold in the same unit', () => {
    expect(formatQuantity(604_800_000, 'ms')).toBe('7.0 d');
    expect(formatQuantity(789_519, 'ms')).toBe('13.2 min');
    expect(formatQuantity(0.0123, 'rate')).toBe('1.23 %');
    expect(formatQuantity(3, 'documents')).toBe('3 documents');
    expect(formatQuantity(null, 'ms')).toBe('n/a');
    expect(formatThreshold({ metric: 'freshness_age_ms[x]', op: '<=', value: 604_800_000 }, 'ms')).toBe('≤ 7.0 d');
  });

  it('derives the unit from the metric name when the measurement carries none', () => {
    expect(unitOf('invalid_rate[hourly_measurements]')).toBe('rate');
    expect(unitOf('range_violations[range:pressure_hpa]')).toBe('violations');
    expect(unitOf('lag_timeouts[replica-1]')).toBe('markers');
    expect(unitOf('x', { unit: 'ms' })).toBe('ms');
  });

  it('says what a threshold does when crossed instead of a bare "fail"', () => {
    expect(consequenceOf({ metric: 'm', op: '<=', value: 1 })).toBe('fails the check when crossed');
    expect(consequenceOf({ metric: 'm', op: '<=', value: 1, severity: 'warn' })).toBe('warns when crossed');
  });
});
