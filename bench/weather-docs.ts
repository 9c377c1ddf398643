import { mulberry32 } from '../src/common/prng.js';

/**
 * Deterministic hourly_measurements documents for the schema benchmark: mostly valid,
 * with one invalid document in 50 (wrong type, out of range, missing field, bad enum,
 * unexpected field, in turn). Dates are BSON-like Date objects, as read from the DB.
 */

const STATIONS = ['07015', 'STATIC0010', 'ILAMAD25', 'IICHTE19', '00052', '07149'];
const BASE = Date.UTC(2024, 9, 1);

export function makeDocGenerator(seed = 42): (i: number) => Record<string, unknown> {
  const rnd = mulberry32(seed);
  const r = (lo: number, hi: number) => Math.round((lo + rnd() * (hi - lo)) * 10) / 10;
  return (i) => {
    const station = STATIONS[i % STATIONS.length]!;
    const source = station.startsWith('I') ? 'wunderground' : 'infoclimat';
    const t = r(-5, 30);
    const doc: Record<string, unknown> = {
      id_station: station,
      dh_utc: new Date(BASE + Math.floor(i / STATIONS.length) * 3_600_000),
      source,
      temperature_c: t,
      dew_point_c: Math.round((t - r(0, 8)) * 10) / 10,
      humidity_pct: r(30, 100),
      pressure_hpa: r(980, 1040),
      visibility_m: source === 'infoclimat' ? r(1000, 50000) : null,
      wind_speed_kmh: r(0, 60),
      wind_gust_kmh: r(0, 90),
      wind_direction_deg: r(0, 360),
      rain_1h_mm: r(0, 5),
      rain_3h_mm: source === 'infoclimat' ? r(0, 10) : null,
      snow_depth_cm: null,
      cloud_cover_okta: source === 'infoclimat' ? Math.floor(r(0, 8)) : null,
      weather_code: null,
      precip_rate_mm: source === 'wunderground' ? r(0, 5) : null,
      precip_accum_mm: source === 'wunderground' ? r(0, 20) : null,
      uv_index: source === 'wunderground' ? Math.floor(r(0, 8)) : null,
      solar_wm2: source === 'wunderground' ? r(0, 800) : null,
      _proofline: { run_id: 'bench', source: `${source}.json`, row: i, ingested_at: new Date(BASE) },
    };
    if (i % 50 === 49) {
      switch ((i / 50) % 5 | 0) {
        case 0:
          doc.temperature_c = String(t);
          break;
        case 1:
          doc.pressure_hpa = 1500;
          break;
        case 2:
          delete doc.humidity_pct;
          break;
        case 3:
          doc.source = 'excel';
          break;
        default:
          doc.unexpected = 1;
      }
    }
    return doc;
  };
}
