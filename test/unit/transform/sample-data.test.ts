import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../../src/common/ajv.js';
import { sourceConnector } from '../../../src/sources/registry.js';
import { catalogFor, collect, exampleMapper, readContext, WEATHER_DIR } from '../sources/collect.js';

/**
 * The sample data end to end through source → the example's mapping declarations → target schema (Ajv on the JSON
 * view, as the pipeline validates): exactly the deliberately bad rows listed in
 * examples/weather/data/README.md are rejected, for the listed reason, and nothing else.
 */

const schema = (name: string): object => JSON.parse(readFileSync(join(WEATHER_DIR, 'schemas', name), 'utf8')) as object;
const ajv = createAjv();
const validators = { hourly: ajv.compile(schema('hourly_measurements.json')), stations: ajv.compile(schema('stations.json')) };

const SOURCES = [
  { type: 'infoclimat', config: { paths: ['data/infoclimat/*.json'] }, streams: ['infoclimat_hourly', 'infoclimat_stations'] },
  {
    type: 'wunderground',
    config: {
      path: 'data/wunderground',
      stations: [
        { id: 'ILAMAD25', timezone: 'Europe/Paris', name: 'La Madeleine', country: 'FR', latitude: 50.659, longitude: 3.07, elevation_m: 23 },
        { id: 'IICHTE19', timezone: 'Europe/Brussels', name: 'WeerstationBS', country: 'BE', latitude: 51.092, longitude: 2.999, elevation_m: 15 },
      ],
    },
    streams: ['wunderground_hourly', 'wunderground_stations'],
  },
];

async function run() {
  const rejected: string[] = [];
  const valid: Record<string, Array<Record<string, unknown>>> = {};
  let read = 0;
  for (const s of SOURCES) {
    const src = sourceConnector(s.type);
    const out = await collect(src.read(s.config, await catalogFor(src, s.config, s.streams), {}, readContext()));
    for (const [stream, records] of Object.entries(out.records)) {
      const mapper = exampleMapper(stream);
      const validate = stream.endsWith('_stations') ? validators.stations : validators.hourly;
      for (const data of records) {
        read += 1;
        const where = `${String(data._ab_source_file_url).replace('data/', '')}:${String(data._ab_source_file_row)}`;
        const o = await mapper.map(data, { runId: 'sample', stream, ingestedAt: new Date('2024-11-01T00:00:00Z') });
        if (!o.ok) {
          rejected.push(`${where} mapper ${o.failures.map((f) => `${f.rule} ${f.field}`).join(',')}`);
          continue;
        }
        const json = JSON.parse(JSON.stringify(o.doc)) as Record<string, unknown>;
        if (!validate(json)) {
          rejected.push(`${where} schema ${(validate.errors ?? []).map((e) => `${e.keyword} ${e.instancePath}`).join(',')}`);
          continue;
        }
        (valid[stream] ??= []).push(o.doc);
      }
    }
  }
  return { read, rejected: rejected.sort(), valid };
}

describe('sample data through sources, mappers and the target schemas', () => {
  it('rejects exactly the rows listed in data/README.md, for the listed reason', async () => {
    const { read, rejected, valid } = await run();
    expect(rejected).toEqual(
      [
        'infoclimat/infoclimat_2024-10-25_2024-10-26.json:137 schema minimum /pressure_hpa',
        'infoclimat/infoclimat_2024-10-25_2024-10-26.json:31 mapper number_format temperature',
        'infoclimat/infoclimat_2024-10-25_2024-10-26.json:54 schema maximum /humidity_pct',
        'infoclimat/infoclimat_2024-10-27_2024-10-28.json:11 schema maximum /cloud_cover_okta',
        'infoclimat/infoclimat_2024-10-27_2024-10-28.json:165 mapper time_format dh_utc',
        'infoclimat/infoclimat_2024-10-27_2024-10-28.json:82 schema minimum /temperature_c',
        'wunderground/IICHTE19_2024-10-26.xlsx:84 schema maximum /temperature_c',
        'wunderground/IICHTE19_2024-10-27.xlsx:64 mapper compass_format Wind',
        'wunderground/IICHTE19_2024-10-28.xlsx:103 mapper time_format Time',
        'wunderground/ILAMAD25_2024-03-31.xlsx:26 mapper dst_gap Time',
        'wunderground/ILAMAD25_2024-10-25.xlsx:182 mapper number_format Temperature',
        'wunderground/ILAMAD25_2024-10-26.xlsx:80 schema maximum /humidity_pct',
      ].sort(),
    );
    const validCount = Object.values(valid).reduce((n, docs) => n + docs.length, 0);
    expect(validCount + rejected.length).toBe(read);
    // The valid hourly documents are unique on the primary key, both DST repeats included.
    const hourly = [...(valid.infoclimat_hourly ?? []), ...(valid.wunderground_hourly ?? [])];
    const keys = new Set(hourly.map((d) => `${String(d.id_station)}|${(d.dh_utc as Date).toISOString()}`));
    expect(keys.size).toBe(hourly.length);
    expect(new Set(hourly.map((d) => d.id_station))).toEqual(new Set(['07015', '07149', '000R5', 'STATIC0010', 'ILAMAD25', 'IICHTE19']));
  });

  it('README lists every rejected row', () => {
    const readme = readFileSync(join(WEATHER_DIR, 'data/README.md'), 'utf8');
    for (const row of ['| `wunderground/ILAMAD25_2024-03-31.xlsx` | 26 |', '| `infoclimat/infoclimat_2024-10-27_2024-10-28.json` | 165 (hourly.STATIC0010[20]) |', '| `files/csv/manual-observations.csv` | 12 |']) {
      expect(readme).toContain(row);
    }
  });
});
