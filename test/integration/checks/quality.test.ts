import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { runCheck } from '../../../src/checks/run.js';
import { primaryClient, uniqueDb } from '../../helpers.js';
import { config } from './cases/config.js';

/** Quality rules on real documents: each rule measures what was planted, and thresholds judge it. */

const HOUR = 3_600_000;
const day0 = Date.UTC(2024, 9, 1);

describe('quality rules check', () => {
  const db = uniqueDb('quality');
  let client: MongoClient;

  beforeAll(async () => {
    client = await primaryClient();
    // Two days × 24 hours for station A (infoclimat); station B (wunderground) only on day 1, 20 hours.
    const docs: Record<string, unknown>[] = [];
    for (let h = 0; h < 48; h++) docs.push({ id_station: 'A', source: 'infoclimat', dh_utc: new Date(day0 + h * HOUR), temperature_c: 10, dew_point_c: 5, humidity_pct: h < 12 ? null : 80 });
    for (let h = 0; h < 20; h++) docs.push({ id_station: 'B', source: 'wunderground', dh_utc: new Date(day0 + h * HOUR), temperature_c: 12, dew_point_c: 11, humidity_pct: 70 });
    // Planted problems: 3 duplicate keys (4 extra docs), 1 out of range, 2 dew points above temperature + 0.5.
    docs.push({ id_station: 'A', source: 'infoclimat', dh_utc: new Date(day0), temperature_c: 10, dew_point_c: 5, humidity_pct: 80 });
    docs.push({ id_station: 'B', source: 'wunderground', dh_utc: new Date(day0 + HOUR), temperature_c: 75, dew_point_c: 12, humidity_pct: 70 });
    docs.push({ id_station: 'B', source: 'wunderground', dh_utc: new Date(day0 + HOUR), temperature_c: 12, dew_point_c: 14, humidity_pct: 70 });
    docs.push({ id_station: 'B', source: 'wunderground', dh_utc: new Date(day0 + 2 * HOUR), temperature_c: 12, dew_point_c: 13, humidity_pct: 70 });
    await client.db(db).collection('m').insertMany(docs);
  });

  afterAll(async () => {
    await client?.db(db).dropDatabase();
    await client?.close();
  });

  const rules = [
    { type: 'null_rate', field: 'humidity_pct', max: 0.25 },
    { type: 'duplicates', key: ['id_station', 'dh_utc'] },
    { type: 'range', field: 'temperature_c', min: -60, max: 60 },
    { type: 'freshness', field: 'dh_utc', max_age: '1h' },
    { type: 'volume', time_field: 'dh_utc', min_per_day: 24, max_per_day: 26 },
    { type: 'cross_field', name: 'dew<=temp', left: 'dew_point_c', op: '<=', right: 'temperature_c', tolerance: 0.5 },
  ];

  it('measures every planted problem exactly', async () => {
    const r = await runCheck('quality', config(db, { quality: { collection: 'm', rules } }));
    const m = (k: string) => r.measurements[k]?.value;
    expect(m('null_rate[null_rate:humidity_pct]')).toBeCloseTo(12 / 72, 3);
    expect(m('duplicate_keys[duplicates:id_station+dh_utc]')).toBe(3); // (A,0h)×2, (B,1h)×3, (B,2h)×2
    expect(m('range_violations[range:temperature_c]')).toBe(1);
    expect(m('cross_field_violations[dew<=temp]')).toBe(2);
    // Day 1: A=25 (duplicate) OK, B=23 (20 + 3 planted) short; day 2: A=24 OK, B=0 short.
    expect(m('volume_days_out_of_range[volume:source/day]')).toBe(2);
    const age = m('freshness_age_ms[freshness:dh_utc]')!;
    expect(age).toBeGreaterThan(Date.now() - (day0 + 48 * HOUR) - 60_000);
    expect(r.status).toBe('fail');
    const failing = r.findings.filter((f) => f.status === 'fail').map((f) => f.message);
    expect(failing).toHaveLength(5); // all but the null rate (0.167 <= 0.25)
    expect(failing).toContainEqual(expect.stringMatching(/^rule dew<=temp on m: 2, expected <= 0$/));
    const rulesEvidence = r.evidence.rules as { name: string; type: string; detail: Record<string, unknown> }[];
    const dup = rulesEvidence.find((x) => x.type === 'duplicates')!;
    expect(dup.detail).toMatchObject({ duplicate_keys: 3, extra_documents: 4 });
  });

  it('passes when the thresholds allow what is there, and a warn rule only warns', async () => {
    const relaxed = [
      { type: 'null_rate', field: 'humidity_pct', max: 0.25 },
      { type: 'range', field: 'temperature_c', min: -60, max: 80 },
      { type: 'cross_field', left: 'dew_point_c', op: '<=', right: 'temperature_c', tolerance: 0.5, max_violations: 2 },
      { type: 'freshness', field: 'dh_utc', max_age: '1h', severity: 'warn' },
    ];
    const r = await runCheck('quality', config(db, { quality: { collection: 'm', rules: relaxed } }));
    expect(r.status).toBe('warn');
    expect(r.summary).toMatch(/^3\/4 rules within thresholds/);
  });
});
