import type { JsonObject } from '../protocol/messages.js';
import { lineage, sourceError } from './lineage.js';
import { parseUtcTimestamp } from './local-time.js';
import type { FieldFailure, Mapper } from './mapper.js';
import { emptyMeasurements, readNumber, type MeasurementField } from './measurements.js';

/**
 * InfoClimat open-data rows → hourly target documents. Values are already metric and UTC
 * (`dh_utc` "2024-10-05 00:00:00"); they arrive as numbers, strings, "" or null.
 */

const COLUMNS: ReadonlyArray<readonly [string, MeasurementField]> = [
  ['temperature', 'temperature_c'],
  ['point_de_rosee', 'dew_point_c'],
  ['humidite', 'humidity_pct'],
  ['pression', 'pressure_hpa'],
  ['visibilite', 'visibility_m'],
  ['vent_moyen', 'wind_speed_kmh'],
  ['vent_rafales', 'wind_gust_kmh'],
  ['vent_direction', 'wind_direction_deg'],
  ['pluie_1h', 'rain_1h_mm'],
  ['pluie_3h', 'rain_3h_mm'],
  ['neige_au_sol', 'snow_depth_cm'],
  ['nebulosite', 'cloud_cover_okta'],
  ['temps_omm', 'weather_code'],
];

export function infoclimatHourlyMapper(): Mapper {
  return {
    name: 'infoclimat_hourly',
    map(data: JsonObject, ctx) {
      const parseFailure = sourceError(data);
      if (parseFailure) return { ok: false, failures: parseFailure };
      const failures: FieldFailure[] = [];
      const station = data.id_station ?? data._pl_station;
      const idStation = typeof station === 'string' || typeof station === 'number' ? String(station).trim() : '';
      if (!idStation) failures.push({ field: 'id_station', rule: 'required', value: station ?? null, message: 'no station id in the row or its payload key' });
      const dh = parseUtcTimestamp(data.dh_utc);
      if (!dh) failures.push({ field: 'dh_utc', rule: 'time_format', value: data.dh_utc ?? null, message: 'expected "YYYY-MM-DD HH:mm:ss" (UTC)' });
      const m = emptyMeasurements();
      for (const [column, field] of COLUMNS) m[field] = readNumber(column, data[column], [], failures);
      if (failures.length) return { ok: false, failures };
      return { ok: true, doc: { id_station: idStation, dh_utc: dh, source: 'infoclimat', ...m, _proofline: lineage(data, 'infoclimat', ctx) } };
    },
  };
}
