import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { runCheck } from '../../../src/checks/run.js';
import type { CollectionValidity } from '../../../src/checks/schema.js';
import { ConfigError } from '../../../src/errors.js';
import { makeDocGenerator } from '../../../bench/weather-docs.js';
import { primaryClient, uniqueDb } from '../../helpers.js';
import { WEATHER_SCHEMA, config } from './cases/config.js';

/** Documents made invalid on purpose, inserted directly (bypassing the pipeline), are counted exactly. */

describe('schema validity check', () => {
  const db = uniqueDb('schema');
  let client: MongoClient;
  const gen = makeDocGenerator(7);
  const VALID = 40;

  beforeAll(async () => {
    client = await primaryClient();
    const valid = Array.from({ length: VALID }, (_, i) => gen(i)); // i < 49: all valid by construction
    const bad = (mutate: (d: Record<string, unknown>) => void, i: number) => {
      const d = gen(i);
      mutate(d);
      return d;
    };
    const invalid = [
      ...[0, 1, 2].map((i) => bad((d) => delete d.humidity_pct, i)),
      ...[3, 4].map((i) => bad((d) => (d.temperature_c = 'warm'), i)),
      bad((d) => (d.pressure_hpa = 1500), 2), // station index 2: ILAMAD25 → wunderground
      ...[6, 7].map((i) => bad((d) => (d.note = 'typed by hand'), i)),
      bad((d) => (d.source = 'excel'), 0),
    ];
    await client.db(db).collection('hourly_measurements').insertMany([...valid, ...invalid]);
  });

  afterAll(async () => {
    await client?.db(db).dropDatabase();
    await client?.close();
  });

  const check = (schema: Record<string, unknown> = {}) =>
    runCheck('schema', config(db, { schema: { collections: [{ collection: 'hourly_measurements', schema: WEATHER_SCHEMA }], samples_k: 3, ...schema } }));

  it('counts the invalid documents exactly, by rule, by field and by source', async () => {
    const r = await check();
    const v = (r.evidence.collections as CollectionValidity[])[0]!;
    expect(v).toMatchObject({ checked: VALID + 9, invalid: 9, mode: 'full scan' });
    expect(v.by_rule).toEqual({ required: 3, type: 2, maximum: 1, additionalProperties: 2, enum: 1 });
    expect(v.by_field).toEqual({ humidity_pct: 3, temperature_c: 2, pressure_hpa: 1, note: 2, source: 1 });
    expect(v.by_source.excel).toEqual({ checked: 1, invalid: 1 });
    expect(v.by_source.wunderground!.invalid + v.by_source.infoclimat!.invalid).toBe(8);
    expect(v.samples).toHaveLength(3);
    expect(v.samples[0]!.failures[0]).toMatchObject({ field: 'humidity_pct', rule: 'required' });
    expect(r.measurements['invalid_rate[hourly_measurements]']!.value).toBeCloseTo(9 / 49, 3);
    expect(r.measurements['invalid_by_rule[hourly_measurements/required]']!.value).toBe(3);
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/hourly_measurements: 9\/49 invalid \(18\.37%\)/);
  });

  it('reports the server-side count as not supported by FerretDB, without hiding the client verdict', async () => {
    const r = await check({ max_invalid_rate: 0.5 });
    expect(r.status).toBe('pass');
    expect(r.measurements['server_invalid[hourly_measurements]']!.value).toBeNull();
    expect(r.findings).toContainEqual(expect.objectContaining({ status: 'unsupported', message: expect.stringMatching(/\$jsonSchema count: not supported by this server/) }));
  });

  it('validates a sample of the configured size, saying how it was drawn', async () => {
    const r = await check({ sample_size: 10, max_invalid_rate: 1 });
    const v = (r.evidence.collections as CollectionValidity[])[0]!;
    expect(v.checked).toBe(10);
    expect(v.mode).toMatch(/sample of 10|first 10 documents/);
  });

  it('warns on an empty collection instead of passing silently', async () => {
    const r = await runCheck('schema', config(db, { schema: { collections: [{ collection: 'nothing_here', schema: WEATHER_SCHEMA }] } }));
    expect(r.status).toBe('warn');
    expect(r.findings[0]!.message).toMatch(/nothing_here: no documents to validate/);
  });

  it('treats a missing schema file as bad configuration', async () => {
    await expect(runCheck('schema', config(db, { schema: { collections: [{ collection: 'x', schema: 'nope.json' }] } }))).rejects.toThrow(ConfigError);
  });
});
