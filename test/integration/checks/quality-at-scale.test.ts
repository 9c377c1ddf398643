import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { runCheck } from '../../../src/checks/run.js';
import type { CollectionScan } from '../../../src/checks/quality.js';
import { makeDocGenerator } from '../../../bench/weather-docs.js';
import { primaryClient, uniqueDb } from '../../helpers.js';
import { config } from './cases/config.js';

/**
 * The quality check's scale path (projected pass, freshness in the pass where the server
 * cannot sort, duplicates answered by a unique index) gives the same counts and verdict as
 * the server's own queries, on the same weather documents with and without the unique key.
 */

const N = 600;
const rules = [
  { type: 'duplicates', key: ['id_station', 'dh_utc'] },
  { type: 'null_rate', field: 'visibility_m', max: 0.1 },
  { type: 'range', field: 'pressure_hpa', min: 850, max: 1100 },
  { type: 'cross_field', name: 'dew<=temp', left: 'dew_point_c', op: '<=', right: 'temperature_c', tolerance: 0.5 },
  { type: 'freshness', field: 'dh_utc', max_age: '7d' },
  { type: 'volume', time_field: 'dh_utc', min_per_day: 100, sources: ['infoclimat', 'wunderground'] },
];

describe('quality check at scale', () => {
  const db = uniqueDb('quality_scale');
  let client: MongoClient;

  beforeAll(async () => {
    client = await primaryClient();
    const gen = makeDocGenerator(3);
    const docs = Array.from({ length: N }, (_, i) => gen(i));
    await client.db(db).collection('plain').insertMany(docs.map((d) => ({ ...d })));
    const keyed = client.db(db).collection('keyed');
    await keyed.createIndex({ id_station: 1, dh_utc: 1 }, { unique: true, name: 'pk_id_station_dh_utc' });
    await keyed.insertMany(docs.map((d) => ({ ...d })));
  });

  afterAll(async () => {
    await client?.db(db).dropDatabase();
    await client?.close();
  });

  const check = (collection: string) => runCheck('quality', config(db, { quality: { collection, rules } }));
  const values = (r: Awaited<ReturnType<typeof check>>) =>
    Object.fromEntries(Object.entries(r.measurements).filter(([k]) => !k.startsWith('scan_docs_per_s') && !k.startsWith('freshness')).map(([k, m]) => [k, m.value]));

  it('counts what the server counts, one rule at a time', async () => {
    const r = await check('plain');
    const c = client.db(db).collection('plain');
    const m = (k: string) => r.measurements[k]?.value;
    expect(m('null_rate[null_rate:visibility_m]')).toBeCloseTo((await c.countDocuments({ visibility_m: null })) / N, 3);
    expect(m('range_violations[range:pressure_hpa]')).toBe(await c.countDocuments({ $or: [{ pressure_hpa: { $lt: 850 } }, { pressure_hpa: { $gt: 1100 } }] }));
    expect(m('range_violations[range:pressure_hpa]')).toBeGreaterThan(0); // the generator plants pressure 1500
    expect(m('duplicate_keys[duplicates:id_station+dh_utc]')).toBe(0);
    const newest = await c.find({}).sort({ dh_utc: -1 }).limit(1).next();
    const fresh = (r.evidence.rules as { type: string; detail: { newest: string } }[]).find((x) => x.type === 'freshness')!;
    expect(fresh.detail.newest).toBe((newest!.dh_utc as Date).toISOString());
    const scan = (r.evidence.scans as CollectionScan[])[0]!;
    expect(scan.documents).toBe(N);
    expect(scan.docs_per_s).toBeGreaterThan(0);
    // Only what the rules read crosses the wire.
    expect(scan.projection).toEqual(expect.arrayContaining(['visibility_m', 'pressure_hpa', 'dew_point_c', 'temperature_c', 'dh_utc', 'source']));
    expect(scan.projection).not.toContain('humidity_pct');
    expect(scan.server_side).toContain('duplicates:id_station+dh_utc');
    expect(r.status).toBe('fail'); // pressure 1500 planted; volume of 100/day per source not reached
  });

  it('a unique index on the key answers duplicates with the same counts and verdict', async () => {
    const [plain, keyed] = [await check('plain'), await check('keyed')];
    expect(values(keyed)).toEqual(values(plain));
    expect(keyed.status).toBe(plain.status);
    expect(keyed.findings.map((f) => f.message.replace('keyed', 'plain'))).toEqual(plain.findings.map((f) => f.message));
    const dup = (keyed.evidence.rules as { type: string; detail: Record<string, unknown> }[]).find((x) => x.type === 'duplicates')!;
    expect(dup.detail).toMatchObject({ duplicate_keys: 0, guaranteed_by: 'unique index pk_id_station_dh_utc' });
  });
});
