/**
 * Parallel streams: the same pipeline synced with `concurrency: 1` and with more, into
 * fresh databases, wall time and records/s of the whole run. Two workloads:
 *  - generated: K `files` streams of N JSONL records each, every stream into its own
 *    collection (the best case: nothing forces streams apart);
 *  - the weather example (examples/weather/pipeline.yaml): its two hourly streams share
 *    `hourly_measurements` and its two station streams share `stations`, so at most two
 *    streams can run at once whatever the setting.
 * Prints the load average (as `uptime` does) before and after: on a shared machine it
 * colours every figure.
 *
 *   npm run bench -- parallel-streams [--n 20000] [--streams 4] [--repeat 1]
 *   (needs the local stack, `proofline stack up`, or MONGODB_URI)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../src/common/logger.js';
import { loadConfig, parseConfig, type PipelineConfig } from '../src/config/load.js';
import { currentStack } from '../src/stack/stack.js';
import { connect } from '../src/store/connection.js';
import { runSync } from '../src/sync/run-sync.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('n', 20_000);
const K = arg('streams', 4);
const REPEAT = arg('repeat', 1);
const ROOT = join(import.meta.dirname, '..');
const uri = process.env.MONGODB_URI ?? currentStack().primaryUri;
const logger = createLogger({ level: 'warn', pretty: false });
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(', ');

function generated(dir: string): PipelineConfig {
  writeFileSync(
    join(dir, 'obs.schema.json'),
    JSON.stringify({ type: 'object', required: ['station', 'seq'], properties: { station: { type: 'string' }, seq: { type: 'integer' }, temp: { type: 'number' } } }),
  );
  const streams = Array.from({ length: K }, (_, k) => {
    mkdirSync(join(dir, `s${k}`));
    const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ station: `S${i % 50}`, seq: k * N + i, temp: ((i * 7) % 400) / 10 - 5, note: 'x'.repeat(40) }));
    writeFileSync(join(dir, `s${k}`, 'part.jsonl'), lines.join('\n') + '\n');
    return {
      name: `s${k}`,
      source: { type: 'files', path: `s${k}`, format: 'jsonl', stream: `s${k}` },
      mapping: 'identity',
      destination: { collection: `obs_${k}`, schema: 'obs.schema.json', primary_key: ['station', 'seq'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
      batch_size: 1000,
    };
  });
  return parseConfig({ name: 'bench_parallel', mongodb: { uri, database: 'unused' }, streams }, join(dir, 'pipeline.yaml'), {});
}

async function measure(label: string, base: PipelineConfig, concurrency: number): Promise<void> {
  const database = `bench_par_${process.pid}_${Date.now().toString(36)}`;
  const config: PipelineConfig = { ...base, name: `${base.name}_${concurrency}_${Date.now().toString(36)}`, concurrency, mongodb: { ...base.mongodb, uri, database } };
  const before = load();
  const t0 = performance.now();
  const report = await runSync(config, { logger });
  const seconds = (performance.now() - t0) / 1000;
  const read = report.streams.reduce((a, s) => a + s.read, 0);
  const written = report.streams.reduce((a, s) => a + s.inserted + s.updated + s.unchanged, 0);
  process.stdout.write(
    `${label.padEnd(10)} concurrency ${String(concurrency).padStart(2)}: ${seconds.toFixed(2)} s, ${Math.round(read / seconds)} records/s (${read} read, ${written} written, status ${report.status}) load before ${before}, after ${load()}\n`,
  );
  const client = await connect(uri);
  try {
    await client.db(database).dropDatabase();
  } finally {
    await client.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'pl-bench-parallel-'));
try {
  process.stdout.write(`parallel streams: generated ${K} streams × ${N} records, each into its own collection; the weather example; load average ${load()}\n`);
  const gen = generated(dir);
  const weather = loadConfig(join(ROOT, 'examples/weather/pipeline.yaml'), {});
  for (let r = 0; r < REPEAT; r += 1) {
    for (const c of [1, 2, K]) await measure('generated', gen, c);
    for (const c of [1, 4]) await measure('weather', weather, c);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
