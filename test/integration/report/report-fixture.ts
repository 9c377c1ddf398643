import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { runChecks } from '../../../src/checks/run.js';
import { makeCollectionsVisibleOnReplica, outputPath, primaryClient, stackUris, uniqueDb } from '../../helpers.js';

/**
 * A small pipeline on the local stack for the report tests: a measurements collection
 * with one out-of-range document (so the schema check fails with a number), a quality
 * rule that passes, a recorded sync run, and every collection made visible on the
 * replica (FerretDB v1 caches collections at start).
 */

export interface ReportFixture {
  db: string;
  dir: string;
  config: string;
}

export const SCHEMA = {
  type: 'object',
  required: ['id_station', 'temperature_c'],
  properties: { id_station: { type: 'string' }, temperature_c: { type: ['number', 'null'], minimum: -60, maximum: 60 } },
};

export async function makeReportFixture(name: string, extra: { replicas?: string[] } = {}): Promise<ReportFixture> {
  const db = uniqueDb(name);
  const dir = outputPath(`report-${db}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'schema.json'), JSON.stringify(SCHEMA));
  const uris = stackUris();
  const pipeline = {
    name: `report-${name}`,
    mongodb: { uri: uris.primary, database: db, replicas: extra.replicas ?? uris.replicas, timeout_ms: 3000 },
    checks: {
      availability: { ping_samples: 10, op_samples: 3 },
      schema: { collections: [{ collection: 'hourly', schema: 'schema.json' }] },
      quality: { rules: [{ type: 'null_rate', collection: 'hourly', field: 'temperature_c', max: 0.5 }] },
    },
  };
  const config = join(dir, 'pipeline.yaml');
  writeFileSync(config, stringify(pipeline));

  const client = await primaryClient();
  try {
    const d = client.db(db);
    await d.collection('hourly').insertMany([
      { id_station: '07015', temperature_c: 12.5, source: 'infoclimat' },
      { id_station: 'ILAMAD25', temperature_c: 99, source: 'wunderground' },
      { id_station: 'IICHTE19', temperature_c: null, source: 'wunderground' },
    ]);
    const now = Date.now();
    await d.collection('_proofline_runs').insertMany([
      {
        runId: 'run-older',
        status: 'failed',
        startedAt: new Date(now - 3_600_000).toISOString(),
        finishedAt: new Date(now - 3_590_000).toISOString(),
        error: 'source infoclimat: HTTP 503 from https://user:hunter2@example.org/api',
        streams: [{ stream: 'infoclimat_hourly', read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 }],
      },
      {
        runId: 'run-latest',
        status: 'succeeded',
        startedAt: new Date(now - 60_000).toISOString(),
        finishedAt: new Date(now - 55_000).toISOString(),
        streams: [
          { stream: 'infoclimat_hourly', read: 4, inserted: 2, updated: 0, unchanged: 1, rejected: 1, rejectionReasons: { out_of_range: 1 } },
          { stream: 'wunderground_hourly', read: 3, inserted: 2, updated: 1, unchanged: 0, rejected: 0 },
        ],
      },
    ]);
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
