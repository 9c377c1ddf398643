import { sourceConnector } from '../../../src/sources/registry.js';
import type { JsonObject } from '../../../src/protocol/messages.js';
import type { StreamMapper } from '../../../src/transform/mapper.js';
import { catalogFor, collect, readContext } from '../sources/collect.js';

/** The weather sample's raw records per stream, as the sources emit them (shared by the golden tests). */

export const WEATHER_SOURCES = [
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

export async function weatherRecords(): Promise<Record<string, JsonObject[]>> {
  const all: Record<string, JsonObject[]> = {};
  for (const s of WEATHER_SOURCES) {
    const src = sourceConnector(s.type);
    const out = await collect(src.read(s.config, await catalogFor(src, s.config, s.streams), {}, readContext()));
    Object.assign(all, out.records);
  }
  return all;
}

export interface MappedOutcome {
  where: string;
  doc?: Record<string, unknown>;
  failures?: Array<{ field: string; rule: string; value: unknown }>;
}

/** Every record through one mapper; documents as JSON (dates as ISO text), failures without messages. */
export async function mapAll(mapper: StreamMapper, stream: string, records: JsonObject[]): Promise<MappedOutcome[]> {
  const out: MappedOutcome[] = [];
  for (const data of records) {
    const where = `${String(data._ab_source_file_url)}:${String(data._ab_source_file_row)}`;
    const o = await mapper.map(structuredClone(data), { runId: 'golden', stream, ingestedAt: new Date('2024-11-01T00:00:00Z') });
    if (o.ok) out.push({ where, doc: JSON.parse(JSON.stringify(o.doc)) as Record<string, unknown> });
    else out.push({ where, failures: o.failures.map((f) => ({ field: f.field, rule: f.rule, value: f.value })) });
  }
  return out;
}
