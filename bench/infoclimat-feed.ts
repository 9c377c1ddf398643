/**
 * The weather feed the write benchmarks share: generated InfoClimat-style hourly rows as the
 * source emits them, the example's declaration that maps them, and the same final
 * documents for a driver baseline (mapped and validated outside any timed section).
 */
import { join } from 'node:path';
import { compileValidator, loadSchema, toJsonView } from '../src/model/schema.js';
import { recordMessage, streamStateMessage, type AirbyteMessage } from '../src/protocol/messages.js';
import { streamMapper, type StreamMapper } from '../src/transform/mapper.js';

const ROOT = join(import.meta.dirname, '..');
export const SCHEMA = join(ROOT, 'examples/weather/schemas/hourly_measurements.json');
export const BATCH = 1000;
const STATIONS = ['07015', '07149', '000R5', 'STATIC0010', '07005', '07020'];
const BASE = Date.UTC(2020, 0, 1);

/**
 * A raw InfoClimat row as the source emits it: strings, some empty, the lineage keys.
 * `revision` > 0 changes the temperature of one row in 100 (a source that corrected them).
 */
export function rawLine(i: number, revision = 0): string {
  const station = STATIONS[i % STATIONS.length]!;
  const dh = new Date(BASE + Math.floor(i / STATIONS.length) * 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
  const t = ((i * 7919) % 400) / 10 - 5 + (revision && i % 100 === 0 ? revision / 10 : 0);
  return JSON.stringify({
    id_station: station,
    dh_utc: dh,
    temperature: t.toFixed(1),
    pression: (990 + ((i * 31) % 400) / 10).toFixed(1),
    humidite: String(40 + ((i * 13) % 60)),
    point_de_rosee: (t - 3).toFixed(1),
    visibilite: i % 5 === 0 ? '' : String(10000 + (i % 30) * 1000),
    vent_moyen: String((i * 3) % 50),
    vent_rafales: i % 3 === 0 ? null : String((i * 5) % 90),
    vent_direction: String((i * 17) % 360),
    pluie_1h: '0',
    pluie_3h: (i % 11) / 10 + '',
    neige_au_sol: null,
    nebulosite: String(i % 9),
    temps_omm: null,
    _ab_source_file_url: 'bench/infoclimat.json',
    _ab_source_file_row: i + 1,
  });
}

export async function* messages(n: number, revision = 0): AsyncGenerator<AirbyteMessage> {
  for (let i = 0; i < n; i += 1) {
    yield recordMessage('hourly', JSON.parse(rawLine(i, revision)) as Record<string, unknown>);
    if ((i + 1) % 10_000 === 0) yield streamStateMessage('hourly', { upTo: i + 1 });
  }
}

/** The weather example's InfoClimat declaration: the pipeline and the baseline map alike. */
export const infoclimatMapper = (): StreamMapper => streamMapper(join('mappings', 'infoclimat_hourly.yaml'), join(ROOT, 'examples/weather'), 'hourly');

/** The final documents of rows [0, n), in batches of BATCH, as the pipeline would store them. */
export async function* finalDocs(n: number, runId: string): AsyncGenerator<Record<string, unknown>[]> {
  const mapper = infoclimatMapper();
  const validator = compileValidator(loadSchema(SCHEMA));
  for (let base = 0; base < n; base += BATCH) {
    const docs: Record<string, unknown>[] = [];
    for (let i = base; i < Math.min(n, base + BATCH); i += 1) {
      const out = await mapper.map(JSON.parse(rawLine(i)) as Record<string, unknown>, { runId, stream: 'hourly', ingestedAt: new Date() });
      if (!out.ok || validator(toJsonView(out.doc)).length) continue;
      out.doc._proofline = { ...(out.doc._proofline as object), run_id: runId };
      docs.push(out.doc);
    }
    yield docs;
  }
}
