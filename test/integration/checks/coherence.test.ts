import { beforeAll, describe, expect, it } from 'vitest';
import type { Document } from 'mongodb';
import { loadConfig, type PipelineConfig } from '../../../src/config/load.js';
import { runCheck } from '../../../src/checks/run.js';
import { runCli, scratchDatabases, stackUris, uniqueDb, weatherExampleCopy } from '../../helpers.js';

/**
 * The coherence check on the real weather example: synced as shipped it passes; the same
 * documents with Weather Underground's temperatures left in °F, or with its times one hour
 * late, fail with the source, the field and the measured shift named.
 */

const HOUR = 3_600_000;

describe('coherence check on the weather example', () => {
  const scratch = scratchDatabases();
  const db = uniqueDb('coherence');
  let file: string;
  let config: PipelineConfig;
  const env = { MONGODB_URI: stackUris().primary, MONGODB_REPLICA_URIS: stackUris().replicas.join(',') };

  /** A copy of the synced collection with one source altered, as a broken mapping would have written it. */
  async function faultyCopy(name: string, alter: (d: Document) => Document): Promise<PipelineConfig> {
    const d = scratch.client.db(db);
    const docs = await d.collection('hourly_measurements').find().toArray();
    await d.collection(name).insertMany(docs.map((doc) => (doc.source === 'wunderground' ? alter(doc) : doc)));
    return { ...config, checks: { ...config.checks, coherence: { ...config.checks.coherence, collection: name } } };
  }

  beforeAll(async () => {
    scratch.dbs.push(db);
    file = weatherExampleCopy(db);
    const sync = await runCli(['sync', '--config', file], { env });
    if (sync.code !== 0) throw new Error(`the weather sync failed (${sync.code}): ${sync.stderr.slice(-2000)}`);
    config = loadConfig(file, env);
  });

  it('passes on the example as shipped, run by `check coherence`, with per-source quantiles for the report', async () => {
    const r = await runCli(['check', 'coherence', '--config', file, '--format', 'json'], { env });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const result = (JSON.parse(r.stdout) as { results: { name: string; status: string; evidence: Record<string, unknown>; measurements: Record<string, { value: number }> }[] }).results[0]!;
    expect(result.name).toBe('coherence');
    expect(result.status).toBe('pass');
    const fields = result.evidence.fields as { field: string; per_source: Record<string, { n: number; p50: number; p05: number; p95: number }> }[];
    const temperature = fields.find((f) => f.field === 'temperature_c')!;
    expect(Object.keys(temperature.per_source).sort()).toEqual(['infoclimat', 'wunderground']);
    expect(temperature.per_source.wunderground!.n).toBeGreaterThan(1000);
    expect(temperature.per_source.infoclimat!.p05).toBeLessThan(temperature.per_source.infoclimat!.p95);
    expect(Math.abs(result.measurements['coherence_time_shift_hours[wunderground]']!.value)).toBeLessThan(0.5);
    expect(Math.abs(result.measurements['coherence_pair_bias[07015~ILAMAD25]']!.value)).toBeLessThan(3);
  });

  it('fails on temperatures left in °F, naming the source, the field and the shift', async () => {
    const c = await faultyCopy('hm_fahrenheit', (d) => ({ ...d, temperature_c: typeof d.temperature_c === 'number' ? d.temperature_c * 1.8 + 32 : d.temperature_c }));
    const r = await runCheck('coherence', c);
    expect(r.status).toBe('fail');
    const failing = r.findings.filter((f) => f.status === 'fail');
    const dist = failing.find((f) => f.labels?.field === 'temperature_c' && f.labels?.source === 'wunderground');
    expect(dist?.message).toMatch(/^source wunderground: temperature_c disagrees with infoclimat: median [\d.]+ vs [\d.]+ \(shift \+(\d+(\.\d+)?)/);
    const shift = Number(/shift \+([\d.]+)/.exec(dist!.message)![1]);
    // 12–13 °C read as °F is about 54–55: a shift of roughly 42 degrees.
    expect(shift).toBeGreaterThan(35);
    expect(shift).toBeLessThan(50);
    expect(r.measurements['coherence_ks_distance[temperature_c/wunderground]']!.value).toBeGreaterThan(0.9);
    // The other fields of the same source are untouched and still agree.
    expect(failing.some((f) => f.labels?.field === 'humidity_pct')).toBe(false);
    // The nearby pair reads the same fault as a bias, not as a time shift.
    expect(failing.some((f) => /^pair 07015~ILAMAD25: ILAMAD25 reads \+\d+/.test(f.message))).toBe(true);
    expect(failing.some((f) => /runs .* h against/.test(f.message))).toBe(false);
  });

  it('fails on times one hour late, naming the source, the field and the measured shift', async () => {
    const c = await faultyCopy('hm_shifted', (d) => ({ ...d, dh_utc: new Date((d.dh_utc as Date).getTime() + HOUR) }));
    const r = await runCheck('coherence', c);
    expect(r.status).toBe('fail');
    const shift = r.measurements['coherence_time_shift_hours[wunderground]']!.value!;
    expect(shift).toBeGreaterThan(0.7);
    expect(shift).toBeLessThan(1.3);
    const finding = r.findings.find((f) => f.status === 'fail' && f.labels?.source === 'wunderground' && f.labels?.field === 'dh_utc');
    expect(finding?.message).toMatch(/^source wunderground: times shifted by \+[01]\.\d+ h against infoclimat \(hour-of-day profile of temperature_c in dh_utc/);
    const pairShift = r.measurements['coherence_pair_shift_hours[07015~ILAMAD25]']!.value!;
    expect(pairShift).toBeGreaterThan(0.7);
    expect(pairShift).toBeLessThan(1.3);
    // A shifted clock is not a unit error: the value distributions still agree.
    expect(r.findings.some((f) => f.status === 'fail' && f.labels?.field === 'temperature_c' && /disagrees/.test(f.message))).toBe(false);
  });
});
