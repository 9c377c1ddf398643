import { describe, expect, it } from 'vitest';
import { cleanText } from '../../../src/common/text.js';
import { parseNumber } from '../../../src/transform/numbers.js';

const F = ['°F', 'F'];

describe('parseNumber: numbers from noisy export strings', () => {
  it.each([
    ['56.8 °F', 56.8],
    ['56.8\u00a0°F', 56.8],
    ['56.8\u202f°F', 56.8],
    ['56.8 ºF', 56.8],
    ['56.8 ˚F', 56.8],
    ['56.8°F', 56.8],
    ['  -3.5 °F ', -3.5],
    ['\u22123.5 °F', -3.5],
    ['56,8 °F', 56.8],
    ['57', 57],
    ['.5 °F', 0.5],
  ])('reads %j as %d', (raw, expected) => {
    expect(parseNumber(raw, F)).toEqual({ ok: true, value: expected });
  });

  it.each([['87 %', ['%'], 87], ['5.0 mph', ['mph'], 5], ['29.48 in', ['in'], 29.48], ['0 w/m²', ['w/m²'], 0], ['0.00\u00a0in', ['in'], 0], ['12 W/M²', ['w/m²'], 12]])(
    'reads %j with units %j',
    (raw, units, expected) => {
      expect(parseNumber(raw, units)).toEqual({ ok: true, value: expected });
    },
  );

  it('passes numbers through and turns empty markers into null', () => {
    expect(parseNumber(12.5)).toEqual({ ok: true, value: 12.5 });
    for (const empty of [null, undefined, '', '   ', '\u00a0', '--', '-', 'N/A']) expect(parseNumber(empty, F)).toEqual({ ok: true, value: null });
  });

  it('rejects stray text and foreign units with a message naming them', () => {
    const stray = parseNumber('sensor err', F);
    expect(stray.ok).toBe(false);
    expect(!stray.ok && stray.message).toContain('sensor err');
    expect(parseNumber('12,4 a').ok).toBe(false);
    expect(parseNumber('56.8 °C', F).ok).toBe(false);
    expect(parseNumber('5.0 km/h', ['mph']).ok).toBe(false);
    expect(parseNumber('1.2.3').ok).toBe(false);
    expect(parseNumber('?').ok).toBe(false);
    expect(parseNumber(Number.NaN).ok).toBe(false);
    expect(parseNumber(true).ok).toBe(false);
  });

  it('cleanText collapses odd spaces and degree variants', () => {
    expect(cleanText(' 56.8\u00a0\u00a0ºF ')).toBe('56.8 °F');
  });
});
