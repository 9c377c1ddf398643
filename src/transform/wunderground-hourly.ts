import type { JsonObject } from '../protocol/messages.js';
import { compassToDegrees } from './compass.js';
import { lineage, sourceError } from './lineage.js';
import { LocalTimeResolver } from './local-time.js';
import type { FieldFailure, Mapper } from './mapper.js';
import { emptyMeasurements, readNumber, type MeasurementField } from './measurements.js';
import { cleanText } from './numbers.js';
import { fahrenheitToCelsius, inHgToHpa, inchesToMm, mphToKmh, round } from './units.js';

/**
 * Weather Underground export rows → hourly target documents. The source attaches the
 * station (`_pl_station`), the local date (`_pl_date`) and the IANA zone (`_pl_timezone`);
 * this mapper converts imperial units, compass text and local time (DST rule in
 * local-time.ts), keeping one time resolver per file because the autumn rule is positional.
 */

type Convert = (v: number | null) => number | null;
interface Column {
  names: readonly string[];
  field: MeasurementField;
  units: readonly string[];
  convert: Convert;
}

const same: Convert = (v) => (v === null ? null : round(v));
const F = ['°F', 'F'];
const COLUMNS: readonly Column[] = [
  { names: ['temperature', 'temp'], field: 'temperature_c', units: F, convert: fahrenheitToCelsius },
  { names: ['dewpoint', 'dew'], field: 'dew_point_c', units: F, convert: fahrenheitToCelsius },
  { names: ['humidity'], field: 'humidity_pct', units: ['%'], convert: same },
  { names: ['speed', 'windspeed'], field: 'wind_speed_kmh', units: ['mph'], convert: mphToKmh },
  { names: ['gust', 'windgust'], field: 'wind_gust_kmh', units: ['mph'], convert: mphToKmh },
  { names: ['pressure'], field: 'pressure_hpa', units: ['in', 'inHg'], convert: inHgToHpa },
  { names: ['preciprate'], field: 'precip_rate_mm', units: ['in', 'in/hr', 'in/h'], convert: inchesToMm },
  { names: ['precipaccum'], field: 'precip_accum_mm', units: ['in'], convert: inchesToMm },
  { names: ['uv'], field: 'uv_index', units: [], convert: same },
  { names: ['solar', 'solarradiation'], field: 'solar_wm2', units: ['w/m²', 'w/m2', 'W/m^2'], convert: same },
];

/** "Precip. Rate." → "preciprate": headers vary in case, dots and spaces between exports. */
export function columnKey(header: string): string {
  return cleanText(header).toLowerCase().replace(/[^a-z0-9]/g, '');
}

function indexColumns(data: JsonObject): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const k of Object.keys(data)) if (!k.startsWith('_')) byKey.set(columnKey(k), k);
  return byKey;
}

function cellText(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function wundergroundHourlyMapper(): Mapper {
  const resolvers = new Map<string, LocalTimeResolver>();
  let currentFile: unknown;
  return {
    name: 'wunderground_hourly',
    map(data: JsonObject, ctx) {
      const parseFailure = sourceError(data);
      if (parseFailure) return { ok: false, failures: parseFailure };
      const columns = indexColumns(data);
      const failures: FieldFailure[] = [];
      const station = typeof data._pl_station === 'string' ? data._pl_station : '';
      const zone = typeof data._pl_timezone === 'string' ? data._pl_timezone : '';
      const date = typeof data._pl_date === 'string' ? data._pl_date : '';
      // The DST rule is about order within one file: start afresh when the file changes.
      const fileKey = `${String(data._ab_source_file_url)}|${station}|${date}`;
      if (fileKey !== currentFile) {
        resolvers.clear();
        currentFile = fileKey;
      }
      let resolver = resolvers.get(fileKey);
      if (!resolver) resolvers.set(fileKey, (resolver = new LocalTimeResolver(zone)));
      const timeColumn = columns.get('time') ?? 'Time';
      const rawTime = cleanText(cellText(data[timeColumn]));
      let dhUtc: Date | undefined;
      if (!station) failures.push({ field: 'id_station', rule: 'required', value: null, message: 'no station id from config or file name' });
      if (rawTime === '') {
        failures.push({ field: 'Time', rule: 'time_format', value: data[timeColumn] ?? null, message: 'the Time cell is empty' });
      } else {
        const t = resolver.resolve(date, rawTime);
        if (t.ok) dhUtc = t.utc;
        else failures.push({ field: 'Time', rule: t.rule, value: data[timeColumn] ?? null, message: t.message });
      }
      const m = emptyMeasurements();
      for (const col of COLUMNS) {
        const name = col.names.map((n) => columns.get(n)).find((n) => n !== undefined);
        if (name === undefined) continue;
        m[col.field] = col.convert(readNumber(name, data[name], col.units, failures));
      }
      const windName = columns.get('wind') ?? columns.get('winddirection');
      if (windName !== undefined) {
        const raw = cleanText(cellText(data[windName]));
        const deg = compassToDegrees(raw);
        if (deg === undefined) failures.push({ field: windName, rule: 'compass_format', value: data[windName], message: `not a compass direction: "${raw}"` });
        else m.wind_direction_deg = deg;
      }
      if (failures.length) return { ok: false, failures };
      return { ok: true, doc: { id_station: station, dh_utc: dhUtc, source: 'wunderground', ...m, _proofline: lineage(data, 'wunderground', ctx) } };
    },
  };
}
