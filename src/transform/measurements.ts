import { parseNumber } from './numbers.js';
import type { FieldFailure } from './mapper.js';

/** The measurement fields of the hourly target document, all numbers or null. */
export const MEASUREMENT_FIELDS = Object.freeze([
  'temperature_c',
  'dew_point_c',
  'humidity_pct',
  'pressure_hpa',
  'visibility_m',
  'wind_speed_kmh',
  'wind_gust_kmh',
  'wind_direction_deg',
  'rain_1h_mm',
  'rain_3h_mm',
  'snow_depth_cm',
  'cloud_cover_okta',
  'weather_code',
  'precip_rate_mm',
  'precip_accum_mm',
  'uv_index',
  'solar_wm2',
] as const);
export type MeasurementField = (typeof MEASUREMENT_FIELDS)[number];

/** Every measurement null: a source fills what it has, the rest stays null (never absent). */
export function emptyMeasurements(): Record<MeasurementField, number | null> {
  return Object.fromEntries(MEASUREMENT_FIELDS.map((f) => [f, null])) as Record<MeasurementField, number | null>;
}

/**
 * Parse one source column into a number (null when empty), recording a `number_format`
 * failure named after the SOURCE column when the value is stray text.
 */
export function readNumber(column: string, raw: unknown, units: readonly string[], failures: FieldFailure[]): number | null {
  const r = parseNumber(raw, units);
  if (r.ok) return r.value;
  failures.push({ field: column, rule: 'number_format', value: raw, message: r.message });
  return null;
}
