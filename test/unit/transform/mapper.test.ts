import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { streamMapper, type MapContext, type MapOutcome, type StreamMapper } from '../../../src/transform/mapper.js';
import { exampleMapper, WEATHER_DIR } from '../sources/collect.js';

/**
 * The weather example's mapping declarations (examples/weather/mappings) and `identity`,
 * row by row: the formats and noise of DESIGN.md, rejects with their source column, DST.
 */

/** The example's declaration of `name`, or the identity mapper. */
const mapper = (name: string): StreamMapper => (name === 'identity' ? streamMapper(name, WEATHER_DIR, name) : exampleMapper(name));
const ctx: MapContext = { runId: 'run-1', stream: 's', ingestedAt: new Date('2024-11-01T00:00:00Z') };
const doc = (o: MapOutcome): Record<string, unknown> => {
  if (!o.ok) throw new Error(JSON.stringify(o.failures));
  return o.doc;
};

const wuRow = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  Time: '12:04 AM',
  Temperature: '56.8\u00a0°F',
  'Dew Point': '53.1 ºF',
  Humidity: '87 %',
  Wind: 'WSW',
  Speed: '5.0 mph',
  Gust: '',
  Pressure: '29.48 in',
  'Precip. Rate.': '0.04 in',
  'Precip. Accum.': '0.10 in',
  UV: '0',
  Solar: '0 w/m²',
  _pl_station: 'ILAMAD25',
  _pl_date: '2024-10-25',
  _pl_timezone: 'Europe/Paris',
  _ab_source_file_url: 'data/wunderground/ILAMAD25_2024-10-25.xlsx',
  _ab_source_file_row: 2,
  ...over,
});

describe('streamMapper', () => {
  it('knows identity, files and declarations, and rejects other names with a ConfigError saying what is expected', async () => {
    expect(() => streamMapper('wunderground_hourly', WEATHER_DIR, 'obs')).toThrow(ConfigError);
    expect(() => streamMapper('nope', WEATHER_DIR, 'obs')).toThrow(/stream obs: mapping must be "identity", a mapping file/);
  });
});

describe('wunderground_hourly', () => {
  it('maps an export row with the DESIGN.md formats and noise to the target document', async () => {
    const d = doc((await mapper('wunderground_hourly').map(wuRow(), ctx)));
    expect(d).toEqual({
      id_station: 'ILAMAD25',
      dh_utc: new Date('2024-10-24T22:04:00Z'),
      source: 'wunderground',
      temperature_c: 13.78,
      dew_point_c: 11.72,
      humidity_pct: 87,
      pressure_hpa: 998.31,
      visibility_m: null,
      wind_speed_kmh: 8.05,
      wind_gust_kmh: null,
      wind_direction_deg: 247.5,
      rain_1h_mm: null,
      rain_3h_mm: null,
      snow_depth_cm: null,
      cloud_cover_okta: null,
      weather_code: null,
      precip_rate_mm: 1.02,
      precip_accum_mm: 2.54,
      uv_index: 0,
      solar_wm2: 0,
      _proofline: { run_id: 'run-1', source: 'wunderground', file: 'data/wunderground/ILAMAD25_2024-10-25.xlsx', row: 2, ingested_at: ctx.ingestedAt },
    });
  });

  it('rejects stray text with the source column and raw value, and reports every failure', async () => {
    const o = (await mapper('wunderground_hourly').map(wuRow({ Temperature: 'sensor err', Wind: 'NXW' }), ctx));
    expect(o.ok).toBe(false);
    expect(!o.ok && o.failures).toEqual([
      expect.objectContaining({ field: 'Temperature', rule: 'number_format', value: 'sensor err' }),
      expect.objectContaining({ field: 'Wind', rule: 'compass_format', value: 'NXW' }),
    ]);
  });

  it('keeps both autumn occurrences in file order and rejects the spring gap', async () => {
    const m = mapper('wunderground_hourly');
    const autumn = async (time: string, row: number): Promise<MapOutcome> => (await m.map(wuRow({ Time: time, _pl_date: '2024-10-27', _ab_source_file_url: 'a.xlsx', _ab_source_file_row: row }), ctx));
    const first = doc(await autumn('2:04 AM', 26));
    doc(await autumn('2:59 AM', 37));
    const second = doc(await autumn('2:04 AM', 38));
    expect((second.dh_utc as Date).getTime() - (first.dh_utc as Date).getTime()).toBe(3600_000);
    // A new file starts afresh: its first 2:04 AM is the summer one again.
    const other = doc((await m.map(wuRow({ Time: '2:04 AM', _pl_date: '2024-10-27', _ab_source_file_url: 'b.xlsx' }), ctx)));
    expect(other.dh_utc).toEqual(first.dh_utc);
    const gap = (await m.map(wuRow({ Time: '2:34 AM', _pl_date: '2024-03-31' }), ctx));
    expect(!gap.ok && gap.failures[0]).toMatchObject({ field: 'Time', rule: 'dst_gap', value: '2:34 AM' });
  });

  it('rejects an empty time cell as time_format', async () => {
    const o = (await mapper('wunderground_hourly').map(wuRow({ Time: null }), ctx));
    expect(!o.ok && o.failures[0]).toMatchObject({ field: 'Time', rule: 'time_format' });
  });

  it('turns a source parse error into a failure, generically', async () => {
    const o = (await mapper('wunderground_hourly').map({ _proofline_error: { rule: 'parse', message: 'unreadable workbook' }, _ab_source_file_url: 'x.xlsx', _ab_source_file_row: 0 }, ctx));
    expect(o).toEqual({ ok: false, failures: [{ field: '(record)', rule: 'parse', value: null, message: 'unreadable workbook' }] });
  });
});

describe('infoclimat_hourly', () => {
  const row = {
    id_station: '07015',
    dh_utc: '2024-10-05 00:00:00',
    temperature: '12.3',
    pression: '1016.2',
    humidite: '87',
    point_de_rosee: '10.2',
    visibilite: '25000',
    vent_moyen: 11.2,
    vent_rafales: '',
    vent_direction: '230',
    pluie_1h: '0',
    pluie_3h: null,
    neige_au_sol: null,
    nebulosite: '7',
    temps_omm: '61',
    _pl_station: '07015',
    _ab_source_file_url: 'https://www.infoclimat.fr/opendata/?token=***',
    _ab_source_file_row: 1,
  };
  it('maps strings, numbers, "" and null; lineage records the URL and index', async () => {
    const d = doc((await mapper('infoclimat_hourly').map(row, ctx)));
    expect(d).toMatchObject({
      id_station: '07015',
      dh_utc: new Date('2024-10-05T00:00:00Z'),
      source: 'infoclimat',
      temperature_c: 12.3,
      pressure_hpa: 1016.2,
      humidity_pct: 87,
      dew_point_c: 10.2,
      visibility_m: 25000,
      wind_speed_kmh: 11.2,
      wind_gust_kmh: null,
      wind_direction_deg: 230,
      rain_1h_mm: 0,
      rain_3h_mm: null,
      cloud_cover_okta: 7,
      weather_code: 61,
      uv_index: null,
      _proofline: { url: 'https://www.infoclimat.fr/opendata/?token=***', index: 1, source: 'infoclimat', run_id: 'run-1' },
    });
    expect((d._proofline as Record<string, unknown>).file).toBeUndefined();
  });
  it('takes the station from the payload key when the row lacks it', async () => {
    const { id_station: _drop, ...rest } = row;
    expect(doc((await mapper('infoclimat_hourly').map(rest, ctx))).id_station).toBe('07015');
  });
  it('rejects an empty dh_utc and stray text', async () => {
    const o = (await mapper('infoclimat_hourly').map({ ...row, dh_utc: '', temperature: '12,4 a' }, ctx));
    expect(!o.ok && o.failures.map((f) => `${f.field}:${f.rule}`)).toEqual(['dh_utc:time_format', 'temperature:number_format']);
  });
});

describe('stations mappers', () => {
  it('maps an InfoClimat station, all target fields present', async () => {
    const d = doc(
      (await mapper('infoclimat_stations').map(
        { id: '07015', name: 'Lille-Lesquin', latitude: 50.57, longitude: '3.0975', elevation: 47, type: 'synop', license: { license: 'CC BY 4.0' }, _ab_source_file_url: 'p.json', _ab_source_file_row: 1 },
        ctx,
      )),
    );
    expect(d).toMatchObject({ id_station: '07015', source: 'infoclimat', longitude: 3.0975, elevation_m: 47, timezone: null, country: null, license: { license: 'CC BY 4.0' } });
  });
  it('rejects a station without id', async () => {
    expect((await mapper('infoclimat_stations').map({ name: 'x' }, ctx)).ok).toBe(false);
  });
});

describe('identity', () => {
  it('strips bookkeeping keys and adds lineage', async () => {
    const d = doc((await mapper('identity').map({ a: 1, _ab_source_file_url: 'f.jsonl', _ab_source_file_row: 3, _pl_source: 'files' }, ctx)));
    expect(d).toEqual({ a: 1, _proofline: { run_id: 'run-1', source: 'files', file: 'f.jsonl', row: 3, ingested_at: ctx.ingestedAt } });
  });
  it('unwraps Airbyte raw records (object or JSON string) and keeps the Airbyte ids in lineage', async () => {
    const m = mapper('identity');
    const a = doc((await m.map({ _airbyte_raw_id: 'id-1', _airbyte_extracted_at: '2024-10-27T08:00:00Z', _airbyte_data: { a: 1 } }, ctx)));
    expect(a).toMatchObject({ a: 1, _proofline: { airbyte_raw_id: 'id-1', airbyte_extracted_at: '2024-10-27T08:00:00Z', source: 's' } });
    const b = doc((await m.map({ _airbyte_ab_id: 'id-2', _airbyte_emitted_at: 1, _airbyte_data: '{"b":2}' }, ctx)));
    expect(b).toMatchObject({ b: 2, _proofline: { airbyte_raw_id: 'id-2', airbyte_extracted_at: 1 } });
    expect(b).not.toHaveProperty('_airbyte_data');
    const bad = (await m.map({ _airbyte_data: '{"b":' }, ctx));
    expect(!bad.ok && bad.failures[0]).toMatchObject({ field: '_airbyte_data', rule: 'parse' });
  });
});
