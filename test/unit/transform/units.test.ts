import { describe, expect, it } from 'vitest';
import { fahrenheitToCelsius, inHgToHpa, inchesToMm, mphToKmh, round } from '../../../src/transform/units.js';

describe('unit conversions (rounded to 2 decimals)', () => {
  it('°F → °C', () => {
    expect(fahrenheitToCelsius(32)).toBe(0);
    expect(fahrenheitToCelsius(212)).toBe(100);
    expect(fahrenheitToCelsius(-40)).toBe(-40);
    expect(fahrenheitToCelsius(56.8)).toBe(13.78);
    expect(fahrenheitToCelsius(null)).toBeNull();
  });
  it('mph → km/h', () => {
    expect(mphToKmh(5)).toBe(8.05);
    expect(mphToKmh(60)).toBe(96.56);
    expect(mphToKmh(0)).toBe(0);
  });
  it('inHg → hPa', () => {
    expect(inHgToHpa(29.92)).toBe(1013.21);
    expect(inHgToHpa(29.48)).toBe(998.31);
  });
  it('in → mm', () => {
    expect(inchesToMm(1)).toBe(25.4);
    expect(inchesToMm(0.01)).toBe(0.25);
    expect(inchesToMm(0)).toBe(0);
  });
  it('round keeps halves as written and never returns -0', () => {
    expect(round(1.005)).toBe(1.01);
    expect(Object.is(round(-0.001), 0)).toBe(true);
    expect(round(2.345, 1)).toBe(2.3);
  });
});
