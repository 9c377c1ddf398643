import { describe, expect, it } from 'vitest';
import { compassToDegrees } from '../../../src/transform/compass.js';

describe('compass point → degrees', () => {
  const points = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'];
  it.each(points.map((p, i) => [p, i * 22.5] as const))('%s = %d°', (p, deg) => {
    expect(compassToDegrees(p)).toBe(deg);
    expect(compassToDegrees(p.toLowerCase())).toBe(deg);
  });
  it('reads spelled-out cardinals, case-insensitive, with noise', () => {
    expect(compassToDegrees('North')).toBe(0);
    expect(compassToDegrees('EAST')).toBe(90);
    expect(compassToDegrees('south')).toBe(180);
    expect(compassToDegrees('\u00a0West ')).toBe(270);
  });
  it('calm, variable and empty are no direction (null)', () => {
    expect(compassToDegrees('Calm')).toBeNull();
    expect(compassToDegrees('VAR')).toBeNull();
    expect(compassToDegrees('')).toBeNull();
  });
  it('anything else is not a direction (undefined)', () => {
    expect(compassToDegrees('NXW')).toBeUndefined();
    expect(compassToDegrees('Northeast-ish')).toBeUndefined();
  });
});
