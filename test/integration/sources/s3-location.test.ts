import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createLogger } from '../../../src/common/logger.js';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, JsonObject } from '../../../src/protocol/messages.js';
import { sourceConnector } from '../../../src/sources/registry.js';
import { ROOT, runCli, scratchDatabases, writePipelineYaml } from '../../helpers.js';
import { startS3Server, type S3Server } from '../../s3-server.js';
import { fixture, observations } from '../sync/sync-fixture.js';

/**
 * S3 as a file location, against a real S3-compatible server (MinIO, started per file):
 * the `files` source over s3://bucket/prefix/*.jsonl through `proofline sync`, with
 * credentials from the environment and from a profile, incremental reruns keyed by object
 * key + ETag + size; and the weather readers (xlsx, JSON payloads) giving the same records
 * from S3 as from disk.
 */

const scratch = scratchDatabases();
let s3: S3Server;
const logger = createLogger({ level: 'silent', pretty: false });
const jsonl = (rows: unknown[]): string => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

beforeAll(async () => {
  s3 = await startS3Server();
}, 90_000);
afterAll(async () => {
  await s3?.stop();
});

interface StreamOut {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  status: string;
  error?: string;
}

function s3Pipeline(prefix: string, bucket: string, s3Block: Record<string, unknown>): { config: string; database: string } {
  const f = fixture(prefix);
  scratch.dbs.push(f.database);
  const raw = parse(readFileSync(f.configFile({ sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: 'seq' }), 'utf8')) as { streams: Array<{ source: Record<string, unknown> }> };
  raw.streams[0]!.source = { type: 'files', path: `s3://${bucket}/landing`, pattern: '*.jsonl', format: 'jsonl', stream: 'obs', s3: s3Block };
  return { config: writePipelineYaml(raw, join(f.dir, 'pipeline.yaml')), database: f.database };
}

async function sync(config: string, env: Record<string, string>): Promise<{ code: number | null; stream: StreamOut; stderr: string; stdout: string }> {
  const r = await runCli(['sync', '--config', config, '--json'], { env });
  const stream = r.stdout ? (JSON.parse(r.stdout) as { streams: StreamOut[] }).streams[0]! : ({} as StreamOut);
  return { code: r.code, stream, stderr: r.stderr, stdout: r.stdout };
}

describe('files source on s3://', () => {
  it('syncs the matching objects, then rereads only the objects that changed or appeared (key, ETag, size)', async () => {
    await s3.createBucket('landing-env');
    await s3.put('landing-env', 'landing/a.jsonl', jsonl(observations(120, 5, 0)));
    await s3.put('landing-env', 'landing/b.jsonl', jsonl([...observations(79, 5, 120), '{"station": "S1", "seq": 9999, "temp": 1000}', 'not json']));
    // Not matched by landing/*.jsonl: a deeper key and another extension.
    await s3.put('landing-env', 'landing/archive/old.jsonl', jsonl(observations(10, 5, 5000)));
    await s3.put('landing-env', 'landing/notes.txt', 'hello');
    const { config, database } = s3Pipeline('s3_env', 'landing-env', { endpoint: s3.endpoint });

    const first = await sync(config, s3.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stream).toMatchObject({ read: 201, inserted: 199, rejected: 2 });
    const coll = scratch.client.db(database).collection('obs');
    expect(await coll.countDocuments()).toBe(199);
    const lineage = await coll.findOne({ seq: 130 });
    expect(lineage?._proofline).toMatchObject({ url: 's3://landing-env/landing/b.jsonl', index: 11 });
    const rejects = await scratch.client.db(database).collection('obs_rejects').find({}).toArray();
    expect(rejects.map((r) => JSON.stringify(r))).toEqual(expect.arrayContaining([expect.stringContaining('s3://landing-env/landing/b.jsonl')]));
    expect(JSON.stringify(rejects)).toContain('line 81');

    const state = await scratch.client.db(database).collection('_proofline_state').findOne({});
    const marks = (JSON.parse(String(state?.state_json)) as { files: Record<string, { size: number; etag: string }> }).files;
    expect(Object.keys(marks).sort()).toEqual(['s3://landing-env/landing/a.jsonl', 's3://landing-env/landing/b.jsonl']);
    expect(marks['s3://landing-env/landing/a.jsonl']!.etag).toMatch(/^[0-9a-f]{32}$/);

    const again = await sync(config, s3.env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stream).toMatchObject({ read: 0, inserted: 0 });

    // a.jsonl rewritten with one changed value, c.jsonl new; b.jsonl untouched is not read.
    const changed = observations(120, 5, 0).map((o) => (o.seq === 7 ? { ...o, temp: 7.5 } : o));
    await s3.put('landing-env', 'landing/a.jsonl', jsonl(changed));
    await s3.put('landing-env', 'landing/c.jsonl', jsonl(observations(30, 5, 300)));
    const third = await sync(config, s3.env);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stream).toMatchObject({ read: 150, inserted: 30, updated: 1, unchanged: 119, rejected: 0 });
    expect(await coll.countDocuments()).toBe(229);
    expect((await coll.findOne({ seq: 7 }))?.temp).toBe(7.5);
  });

  it('takes credentials from a named profile; wrong credentials fail the stream with the S3 error and no secret', async () => {
    await s3.createBucket('landing-profile');
    await s3.put('landing-profile', 'landing/p.jsonl', jsonl(observations(25, 5, 0)));
    const home = mkdtempSync(join(tmpdir(), 'pl-aws-'));
    writeFileSync(join(home, 'credentials'), `[minio]\naws_access_key_id = ${s3.accessKeyId}\naws_secret_access_key = ${s3.secretAccessKey}\n\n[wrong]\naws_access_key_id = ${s3.accessKeyId}\naws_secret_access_key = not-the-secret-9f8e7d\n`);
    writeFileSync(join(home, 'config'), '[profile minio]\nregion = us-east-1\n\n[profile wrong]\nregion = us-east-1\n');
    const env = { AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'config'), AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_EC2_METADATA_DISABLED: 'true' };

    const good = s3Pipeline('s3_profile', 'landing-profile', { endpoint: s3.endpoint, profile: 'minio' });
    const ok = await sync(good.config, env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stream).toMatchObject({ read: 25, inserted: 25 });

    const bad = s3Pipeline('s3_wrong', 'landing-profile', { endpoint: s3.endpoint, profile: 'wrong' });
    const failed = await sync(bad.config, env);
    expect(failed.code).toBe(1);
    expect(failed.stream.status).toBe('failed');
    expect(failed.stream.error).toMatch(/cannot list s3:\/\/landing-profile\/landing\/: SignatureDoesNotMatch \(HTTP 403\)/);
    expect(failed.stdout + failed.stderr).not.toContain('not-the-secret-9f8e7d');
  });
});

async function records(type: string, source: JsonObject, stream: string): Promise<JsonObject[]> {
  const connector = sourceConnector(type);
  const catalog: ConfiguredAirbyteCatalog = { streams: [{ stream: { name: stream, json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] };
  const out: JsonObject[] = [];
  for await (const m of connector.read(source, catalog, {}, { baseDir: join(ROOT, 'examples/weather'), logger }) as AsyncIterable<AirbyteMessage>) {
    if (m.type === 'RECORD') {
      const { _ab_source_file_url: url, ...rest } = m.record.data;
      out.push({ ...rest, file: String(url).split('/').pop()! });
    }
  }
  return out;
}

describe('weather readers on s3://', () => {
  it('read the same rows from S3 as from disk: Weather Underground .xlsx (streamed) and InfoClimat payloads', async () => {
    await s3.createBucket('weather');
    const data = join(ROOT, 'examples/weather/data');
    for (const dir of ['wunderground', 'infoclimat']) {
      for (const name of readdirSync(join(data, dir))) await s3.put('weather', `raw/${dir}/${name}`, readFileSync(join(data, dir, name)));
    }
    const stations = (parse(readFileSync(join(ROOT, 'examples/weather/pipeline.yaml'), 'utf8')) as { streams: Array<{ name: string; source: { stations?: unknown } }> }).streams.find((s) => s.name === 'wunderground_hourly')!.source.stations as JsonObject[];
    const s3Block = { endpoint: s3.endpoint };
    process.env.AWS_ACCESS_KEY_ID = s3.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.secretAccessKey;
    try {
      const wuLocal = await records('wunderground', { path: 'data/wunderground', stations }, 'wunderground_hourly');
      const wuS3 = await records('wunderground', { path: 's3://weather/raw/wunderground', stations, s3: s3Block }, 'wunderground_hourly');
      expect(wuLocal.length).toBeGreaterThan(100);
      expect(wuS3).toEqual(wuLocal);
      const icLocal = await records('infoclimat', { paths: ['data/infoclimat/*.json'] }, 'infoclimat_hourly');
      const icS3 = await records('infoclimat', { paths: ['s3://weather/raw/infoclimat/*.json'], s3: s3Block }, 'infoclimat_hourly');
      expect(icLocal.length).toBeGreaterThan(100);
      expect(icS3).toEqual(icLocal);
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});
