import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import type { Document, MongoClient } from 'mongodb';
import { ROOT, primaryClient, runCli, spawnCli, stackUris, uniqueDb, weatherExampleCopy } from '../../helpers.js';

/**
 * proofline as both ends of an Airbyte sync, on the weather example:
 *   proofline source wunderground read | proofline destination mongodb write
 * with the destination naming the target schemas, so the same mapping, validation and
 * quarantine apply as in a pipeline: the deliberately bad rows of the sample data (listed
 * in examples/weather/data/README.md) and only those land in quarantine.
 */

const WEATHER = join(ROOT, 'examples/weather');
const STATIONS = [
  { id: 'ILAMAD25', timezone: 'Europe/Paris', name: 'La Madeleine', country: 'FR', latitude: 50.659, longitude: 3.07, elevation_m: 23 },
  { id: 'IICHTE19', timezone: 'Europe/Brussels', name: 'WeerstationBS', country: 'BE', latitude: 51.092, longitude: 2.999, elevation_m: 15 },
];


function pipe(sourceArgs: string[], destArgs: string[]): Promise<{ source: number | null; dest: number | null; out: string; err: string }> {
  return new Promise((resolveP, reject) => {
    const src = spawnCli(sourceArgs);
    const dst = spawnCli(destArgs);
    src.stdin.end();
    src.stdout.pipe(dst.stdin);
    src.stderr.resume();
    let out = '';
    let err = '';
    let source: number | null = null;
    dst.stdout.on('data', (d: Buffer) => (out += d.toString()));
    dst.stderr.on('data', (d: Buffer) => (err += d.toString()));
    src.on('close', (c) => (source = c));
    dst.on('close', (c) => resolveP({ source, dest: c, out, err }));
    src.on('error', reject);
    dst.on('error', reject);
  });
}

describe('proofline source wunderground read | proofline destination mongodb write', () => {
  let client: MongoClient;
  let dir: string;
  const db = uniqueDb('wu_pipe');
  const syncDb = uniqueDb('wu_sync');

  beforeAll(async () => {
    client = await primaryClient();
    dir = mkdtempSync(join(tmpdir(), 'pl-wu-'));
  });
  afterAll(async () => {
    for (const d of [db, syncDb]) await client?.db(d).dropDatabase().catch(() => undefined);
    await client?.close();
  });

  it('loads the weather example with mapping, validation and quarantine', async () => {
    const sourceConfig = join(dir, 'source.json');
    writeFileSync(sourceConfig, JSON.stringify({ path: join(WEATHER, 'data/wunderground'), stations: STATIONS }));
    const discovered = await runCli(['source', 'wunderground', 'discover', '--config', sourceConfig]);
    expect(discovered.code, discovered.stderr).toBe(0);
    const streams = (JSON.parse(discovered.stdout) as { catalog: { streams: Array<{ name: string; supported_sync_modes: string[] }> } }).catalog.streams;
    const catalog = {
      streams: streams.map((stream) => ({
        stream,
        sync_mode: stream.supported_sync_modes.includes('incremental') ? 'incremental' : 'full_refresh',
        destination_sync_mode: 'append_dedup',
        cursor_field: stream.name === 'wunderground_hourly' ? ['dh_utc'] : undefined,
      })),
    };
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
    writeFileSync(
      join(dir, 'dest.json'),
      JSON.stringify({
        uri: stackUris().primary,
        database: db,
        schemas_dir: join(WEATHER, 'schemas'),
        mappings_dir: join(WEATHER, 'mappings'),
        streams: [
          // As examples/weather/pipeline.yaml declares these streams.
          {
            name: 'wunderground_hourly',
            collection: 'hourly_measurements',
            mapping: 'wunderground_hourly',
            schema: 'hourly_measurements',
            primary_key: ['id_station', 'dh_utc'],
            cursor_field: '_proofline.ingested_at',
            indexes: [['source', 'dh_utc'], ['dh_utc']],
          },
          { name: 'wunderground_stations', collection: 'stations', mapping: 'wunderground_stations', schema: 'stations', primary_key: ['source', 'id_station'] },
        ],
      }),
    );
    const catalogArgs = ['--catalog', join(dir, 'catalog.json')];
    const r = await pipe(['source', 'wunderground', 'read', '--config', sourceConfig, ...catalogArgs], ['destination', 'mongodb', 'write', '--config', join(dir, 'dest.json'), ...catalogArgs]);
    expect(r.dest, r.err).toBe(0);
    expect(r.source).toBe(0);
    expect(r.out.split('\n').filter((l) => l.includes('"STATE"')).length).toBeGreaterThan(0);

    const d = client.db(db);
    const quarantine = await d.collection('hourly_measurements_rejects').find().toArray();
    const rejected = quarantine.map((q) => `${String(q.location.file).split('/').pop()}:${String(q.location.row)} ${(q.rules as string[]).join(',')}`).sort();
    expect(rejected).toEqual([
      'IICHTE19_2024-10-26.xlsx:84 maximum',
      'IICHTE19_2024-10-27.xlsx:64 compass_format',
      'IICHTE19_2024-10-28.xlsx:103 time_format',
      'ILAMAD25_2024-03-31.xlsx:26 dst_gap',
      'ILAMAD25_2024-10-25.xlsx:182 number_format',
      'ILAMAD25_2024-10-26.xlsx:80 maximum',
    ]);
    // Both 2:04 AM rows of the autumn DST day are kept, one hour apart in UTC.
    const dst = await d.collection('hourly_measurements').countDocuments({ id_station: 'ILAMAD25', dh_utc: { $in: [new Date('2024-10-27T00:04:00Z'), new Date('2024-10-27T01:04:00Z')] } });
    expect(dst).toBe(2);
    const stored = await d.collection('hourly_measurements').countDocuments();
    const unique = (await d.collection('hourly_measurements').distinct('_id')).length;
    expect(stored).toBe(unique);
    expect(stored).toBeGreaterThan(1000);
    expect(await d.collection('stations').countDocuments()).toBe(2);
    const sample = await d.collection('hourly_measurements').findOne({ id_station: 'IICHTE19' });
    expect(sample).toMatchObject({ source: 'wunderground', dh_utc: expect.any(Date), _proofline: { source: 'wunderground' } });
    expect(sample!._proofline).not.toHaveProperty('airbyte_extracted_at');
  });

  it('loads exactly what proofline sync loads from the same files', async () => {
    // Compares with what the previous test loaded through the connectors. The example
    // pipeline, its wunderground streams only, into another database.
    const file = weatherExampleCopy(syncDb);
    const r = await runCli(['sync', '--config', file, '--stream', 'wunderground_hourly', 'wunderground_stations', '--json'], { env: { MONGODB_URI: stackUris().primary } });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);

    // Same documents, same ids; only the lineage of the run (ids, times, file paths) differs.
    const view = async (database: string, collection: string): Promise<Document[]> =>
      (await client.db(database).collection(collection).find().sort({ _id: 1 }).toArray()).map(({ _proofline: _lineage, ...rest }) => rest);
    for (const collection of ['hourly_measurements', 'stations']) {
      const viaConnectors = await view(db, collection);
      const viaSync = await view(syncDb, collection);
      expect(viaConnectors.length, collection).toBeGreaterThan(0);
      expect(viaConnectors, collection).toEqual(viaSync);
    }
    const rejects = async (database: string): Promise<string[]> =>
      (await client.db(database).collection('hourly_measurements_rejects').find().toArray())
        .map((q) => `${String(q.location.file).split('/').pop()}:${String(q.location.row)} ${(q.rules as string[]).join(',')}`)
        .sort();
    expect(await rejects(db)).toEqual(await rejects(syncDb));
  });
});
