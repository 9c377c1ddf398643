import { round } from './numbers.js';

/**
 * Unit conversions to the target document's metric units. Every converted value is
 * rounded to 2 decimals: the sources' own precision is 0.1 °F / 0.01 in / 0.1 mph, so two
 * decimals keep all the information without float noise (56.8 °F → 13.78 °C, not 13.777…).
 */

export const INHG_TO_HPA = 33.8638866667;
export const MPH_TO_KMH = 1.609344;
export const IN_TO_MM = 25.4;

export { round };

const nullable =
  (fn: (v: number) => number) =>
  (v: number | null): number | null =>
    v === null ? null : round(fn(v));

export const fahrenheitToCelsius = nullable((f) => ((f - 32) * 5) / 9);
export const mphToKmh = nullable((mph) => mph * MPH_TO_KMH);
export const inHgToHpa = nullable((inHg) => inHg * INHG_TO_HPA);
export const inchesToMm = nullable((inches) => inches * IN_TO_MM);
