import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import type { MongoClient } from 'mongodb';
import { createAjv } from '../../../src/common/ajv.js';
import { ROOT, makeCollectionsVisibleOnReplica, outputPath, primaryClient, runCli, uniqueDb } from '../../helpers.js';
import { makeDocGenerator } from '../../../bench/weather-docs.js';
import { WEATHER_SCHEMA, configFile } from './cases/config.js';

/** `proofline check` as a user runs it: exit codes, formats, --out, env overrides. */

describe('proofline check (CLI)', () => {
  const db = uniqueDb('cli');
  let client: MongoClient;
  let good: string;

  beforeAll(async () => {
    client = await primaryClient();
    const gen = makeDocGenerator(3);
    await client.db(db).collection('hourly_measurements').insertMany(Array.from({ length: 30 }, (_, i) => gen(i)));
    await client.db(db).createCollection('_proofline_markers');
    await makeCollectionsVisibleOnReplica();
    good = configFile(db, {
      availability: { ping_samples: 5, op_samples: 2 },
      schema: { collections: [{ collection: 'hourly_measurements', schema: WEATHER_SCHEMA }] },
      quality: { collection: 'hourly_measurements', rules: [{ type: 'range', field: 'temperature_c', min: -60, max: 60 }, { type: 'duplicates', key: ['id_station', 'dh_utc'] }] },
      replication: { samples: 3, timeout_ms: 5000 },
    });
  });

  afterAll(async () => {
    await client?.db(db).dropDatabase();
    await client?.close();
  });

  it('passes `check all` and prints the table (exit 0, no colour under NO_COLOR)', async () => {
    const r = await runCli(['check', 'all', '--config', good]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/availability\s+│\s+PASS/);
    expect(r.stdout).toMatch(/replication\s+│\s+PASS/);
    expect(r.stdout).toMatch(/overall: PASS \(5 checks\)/);
    expect(r.stdout).not.toContain(String.fromCharCode(27));
  });

  it('writes JSON that matches the documented schema, with the server identity', async () => {
    const out = outputPath('check-all.json');
    const r = await runCli(['check', 'all', '--config', good, '--format', 'json', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/overall: PASS/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { results: { name: string }[]; server: { server: { flavor: string } } };
    const validate = createAjv().compile(JSON.parse(readFileSync(join(ROOT, 'src/report/report.schema.json'), 'utf8')) as object);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.results.map((x) => x.name)).toEqual(['availability', 'schema', 'quality', 'replication', 'coherence']);
    expect(doc.server.server.flavor).toMatch(/FerretDB/);
  });

  it('exits 1 with a JUnit failure when a check fails, and MONGODB_REPLICA_URIS overrides the replicas', async () => {
    const r = await runCli(['check', 'availability', '--config', good, '--format', 'junit'], { env: { MONGODB_REPLICA_URIS: 'mongodb://127.0.0.1:1/' } });
    expect(r.code).toBe(1);
    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(r.stdout) as { testsuites: { testsuite: { failures: string; testcase: { name: string; failure?: { message: string } } } } };
    expect(xml.testsuites.testsuite.failures).toBe('1');
    expect(xml.testsuites.testsuite.testcase.name).toBe('availability');
    expect(xml.testsuites.testsuite.testcase.failure?.message).toMatch(/replica-1 \(127\.0\.0\.1:1\) unreachable \[CONNECTION_REFUSED\]/);
  });

  it('exits 2 on bad usage and bad configuration, naming the problem', async () => {
    expect((await runCli(['check', 'latency', '--config', good])).stderr).toMatch(/unknown check "latency"/);
    expect((await runCli(['check', 'latency', '--config', good])).code).toBe(2);
    expect((await runCli(['check', 'all', '--config', good, '--format', 'pdf'])).code).toBe(2);
    expect((await runCli(['check', 'all'])).code).toBe(2);
    const bad = configFile(db, { availability: { ping_p95: 5 } });
    const r = await runCli(['check', 'all', '--config', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checks\.availability\.ping_p95: is not a known key/);
    const missingSchema = configFile(db, { schema: { collections: [{ collection: 'x', schema: 'missing.json' }] } });
    const s = await runCli(['check', 'schema', '--config', missingSchema]);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/cannot read schema .*missing\.json: ENOENT/);
  });

  it('never prints credentials from the URI', async () => {
    const r = await runCli(['check', 'availability', '--config', good, '--format', 'json'], { env: { MONGODB_URI: 'mongodb://bob:hunter2-secret@127.0.0.1:1/', MONGODB_REPLICA_URIS: '' } });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain('hunter2-secret');
    expect(r.stdout).toContain('CONNECTION_REFUSED');
  });
});
