/**
 * Mapping throughput: the weather sample's raw records (InfoClimat and Weather
 * Underground, as their sources emit them) through the weather mapping declarations
 * (examples/weather/mappings), against the identity mapper over the same records as the
 * baseline of the same run (what mapping costs beyond reading keys and adding lineage).
 * Prints records/s per stream, the ratio, and the load average.
 * (Measured against the hand-written TypeScript mappers before they were removed: see
 * docs/performance.md.)
 *
 *   npm run bench -- mapping [ROUNDS]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/common/logger.js';
import type { ConfiguredAirbyteCatalog, JsonObject } from '../src/protocol/messages.js';
import { sourceConnector } from '../src/sources/registry.js';
import { streamMapper, type StreamMapper } from '../src/transform/mapper.js';

const WEATHER = join(import.meta.dirname, '..', 'examples/weather');
const ROUNDS = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20);
const ctx = { baseDir: WEATHER, logger: createLogger({ level: 'silent', pretty: false }) };
const STATIONS = [
  { id: 'ILAMAD25', timezone: 'Europe/Paris', name: 'La Madeleine', country: 'FR', latitude: 50.659, longitude: 3.07, elevation_m: 23 },
  { id: 'IICHTE19', timezone: 'Europe/Brussels', name: 'WeerstationBS', country: 'BE', latitude: 51.092, longitude: 2.999, elevation_m: 15 },
];

async function records(type: string, config: JsonObject, stream: string): Promise<JsonObject[]> {
  const src = sourceConnector(type);
  const discovered = await src.discover(config, ctx);
  const catalog: ConfiguredAirbyteCatalog = {
    streams: discovered.streams.filter((s) => s.name === stream).map((s) => ({ stream: s, sync_mode: 'full_refresh', destination_sync_mode: 'append' })),
  };
  const out: JsonObject[] = [];
  for await (const m of src.read(config, catalog, {}, ctx)) if (m.type === 'RECORD') out.push(m.record.data);
  return out;
}

async function time(mapper: StreamMapper, stream: string, rows: JsonObject[]): Promise<number> {
  const start = performance.now();
  const ingestedAt = new Date();
  for (const data of rows) {
    const o = mapper.map(data, { runId: 'bench', stream, ingestedAt });
    if (o instanceof Promise) await o;
  }
  return performance.now() - start;
}

const inputs = {
  infoclimat_hourly: await records('infoclimat', { paths: ['data/infoclimat/*.json'] }, 'infoclimat_hourly'),
  wunderground_hourly: await records('wunderground', { path: 'data/wunderground', stations: STATIONS }, 'wunderground_hourly'),
};
process.stdout.write(`mapping: ${ROUNDS} rounds, load average before ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
for (const [stream, rows] of Object.entries(inputs)) {
  const ms = { declared: 0, identity: 0 };
  for (let r = 0; r < ROUNDS; r++) {
    // Mappers are built outside the timed section: compiling a declaration is per run, not per record.
    const declared = streamMapper(join('mappings', `${stream}.yaml`), WEATHER, stream);
    ms.declared += await time(declared, stream, rows);
    ms.identity += await time(streamMapper('identity', WEATHER, stream), stream, rows);
  }
  const rate = (t: number): string => `${Math.round((rows.length * ROUNDS) / (t / 1000)).toLocaleString('en')} records/s`;
  const line = `declared ${rate(ms.declared)}, identity ${rate(ms.identity)}, declared/identity time ${(ms.declared / ms.identity).toFixed(2)}`;
  process.stdout.write(`${stream} (${rows.length} records × ${ROUNDS}): ${line}\n`);
}
process.stdout.write(`load average after ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
