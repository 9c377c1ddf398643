import { mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { runChecks } from '../../../src/checks/run.js';
import { ROOT, makeCollectionsVisibleOnReplica, outputPath, primaryClient, runCli, stackUris, uniqueDb, writePipelineYaml } from '../../helpers.js';

/**
 * The weather example, synced for real into a database of its own on the local stack,
 * then given something for the checks to find: documents written around the
 * pipeline with an impossible temperature (so the schema check fails with a number) and
 * an older failed run whose error quotes a URL with credentials (which must never
 * reach the report). Every collection is then made visible on the replica (FerretDB v1
 * caches collections when its gateway starts).
 */

export interface ReportFixture {
  db: string;
  dir: string;
  config: string;
}

const EXAMPLE_DIR = join(ROOT, 'examples/weather');

/** A string under this key names a file or folder of the example. */
function isExamplePath(key: string, value: string): boolean {
  if (isAbsolute(value)) return false;
  return ['path', 'paths', 'schema'].includes(key) || (key === 'mapping' && /\.(ya?ml|json)$/.test(value));
}

/** Relative paths of the example (sources, schemas, mapping files) resolved, so the copy can live elsewhere. */
function absolutize(value: unknown, key = ''): unknown {
  if (typeof value === 'string') return isExamplePath(key, value) ? resolve(EXAMPLE_DIR, value) : value;
  if (Array.isArray(value)) return value.map((v) => absolutize(v, key));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, absolutize(v, k)]));
  return value;
}

export async function makeReportFixture(name: string, extra: { replicas?: string[] } = {}): Promise<ReportFixture> {
  const db = uniqueDb(name);
  const dir = outputPath(`report-${db}`);
  mkdirSync(dir, { recursive: true });
  const uris = stackUris();
  const example = parse(readFileSync(join(EXAMPLE_DIR, 'pipeline.yaml'), 'utf8')) as Record<string, unknown>;
  const pipeline = {
    ...example,
    name: `weather-report-${name}`,
    mongodb: { uri: uris.primary, database: db, replicas: extra.replicas ?? uris.replicas, timeout_ms: 3000 },
    streams: absolutize(example.streams),
    checks: {
      // Generous latency thresholds: on a busy 2-core CI machine the monitor's start-up
      // burst (every check at once) can push ping p95 past 100 ms; only planted faults
      // may turn these tests red.
      availability: { ping_samples: 10, op_samples: 3, ping_p95_ms: 2000, op_p95_ms: 5000 },
      schema: { collections: [{ collection: 'hourly_measurements', schema: join(EXAMPLE_DIR, 'schemas/hourly_measurements.json') }] },
      quality: { rules: [{ type: 'null_rate', collection: 'hourly_measurements', field: 'temperature_c', max: 0.5 }] },
      // The example's own cross-source comparison, so the report has coherence evidence to draw.
      coherence: (example.checks as Record<string, unknown>).coherence,
    },
  };
  const config = writePipelineYaml(pipeline, join(dir, 'pipeline.yaml'));

  const sync = await runCli(['sync', '--config', config], { env: { MONGODB_URI: undefined, MONGODB_REPLICA_URIS: undefined } });
  if (sync.code !== 0) throw new Error(`the weather sync failed (${sync.code}): ${sync.stderr}`);

  const client = await primaryClient();
  try {
    const d = client.db(db);
    const one = await d.collection('hourly_measurements').findOne({}, { projection: { _id: 0 } });
    await d.collection('hourly_measurements').insertMany([1, 2, 3, 4, 5].map((i) => ({ ...one, id_station: `PLANTED${i}`, temperature_c: 99 })));
    const now = Date.now();
    await d.collection('_proofline_runs').insertOne({
      _id: 'run-older' as never,
      runId: 'run-older',
      status: 'failed',
      startedAt: new Date(now - 3_600_000),
      finishedAt: new Date(now - 3_590_000),
      error: 'source infoclimat: HTTP 503 from https://user:hunter2@example.org/api',
      streams: [{ stream: 'infoclimat_hourly', read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 }],
    });
  } finally {
    await client.close();
  }
  // Let the replication check create its marker collection, then restart the replica's
  // gateway so it sees every collection of this database.
  await runChecks(loadConfig(config), ['replication']);
  await makeCollectionsVisibleOnReplica();
  return { db, dir, config };
}

export async function dropFixture(f: ReportFixture): Promise<void> {
  const client = await primaryClient();
  try {
    await client.db(f.db).dropDatabase();
  } finally {
    await client.close();
  }
}
