import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, scratchDatabases, stackUris, uniqueDb } from '../../helpers.js';

/**
 * A new user's two commands: `proofline init --from` a CSV and a JSONL (decimal commas, units
 * in cells, local times, a repeated key, one bad row each), then `proofline sync` twice.
 */

const scratch = scratchDatabases();

interface StreamJson {
  stream: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  rejected: number;
  rejectedByKind: Record<string, number>;
  balanced: boolean;
  validated: boolean;
}

function userFiles(): { dir: string; csv: string; jsonl: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pl-init-'));
  mkdirSync(join(dir, 'data'));
  const csv = ['sensor;local_time;temp;humidity'];
  for (let h = 0; h < 12; h++) for (const s of ['A1', 'B2']) csv.push(`${s};01/03/2024 ${String(h).padStart(2, '0')}:00;${18 + h},${h % 10} °C;${50 + h} %`);
  csv.splice(5, 0, 'A1;01/03/2024 01:00;19,9 °C;51 %'); // a corrected reading of a key already read: repeated key
  csv.push('B2;01/03/2024 12:00;"17,5 °C;60 %'); // the bad row: a quote left open
  writeFileSync(join(dir, 'data', 'readings.csv'), `${csv.join('\n')}\n`);
  const jsonl: unknown[] = [];
  for (let i = 1; i <= 20; i++) jsonl.push({ id: `r${i}`, at: `2024-03-31 ${String(i % 24).padStart(2, '0')}:30`, temp: 10 + i / 2, wind: `${i} km/h` });
  jsonl.push({ id: 'r3', at: '2024-03-31 03:30', temp: 12, wind: '3 km/h' }); // repeated key
  jsonl.push({ id: 'r21', at: '2024-03-31 21:30', temp: 'warm', wind: '2 km/h' }); // the bad row
  writeFileSync(join(dir, 'data', 'obs.jsonl'), `${jsonl.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return { dir, csv: join(dir, 'data', 'readings.csv'), jsonl: join(dir, 'data', 'obs.jsonl') };
}

describe('proofline init, then sync', () => {
  it('goes from two files to a validated collection in two commands; the rerun is all unchanged', { timeout: 240_000 }, async () => {
    const { dir, csv, jsonl } = userFiles();
    const database = uniqueDb('init');
    scratch.dbs.push(database);
    const env = { MONGODB_URI: stackUris().primary };
    const pipeline = join(dir, 'pipeline.yaml');

    const init = await runCli(['init', '--from', csv, jsonl, '--out', pipeline, '--name', database], { env });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('stream readings: 25 record(s) sampled from csv, 4 column(s), primary key sensor + local_time');
    expect(init.stdout).toContain('stream obs: 22 record(s) sampled from jsonl, 4 column(s), primary key id');
    const text = readFileSync(pipeline, 'utf8');
    expect(text).toContain('#   temp: number with a decimal comma, unit "°C" in the cells');
    expect(text).toContain("#   local_time: local date-time (dd/MM/yyyy HH:mm): needs a time zone");
    expect(text).toContain('#   wind: number, unit "km/h" in the cells');
    expect(text).toContain('# check: temp: 1 sampled value(s) do not fit "number" (e.g. "warm"): a sync rejects them');
    const config = parse(text) as { streams: Array<{ destination: { primary_key: string[] }; csv?: unknown; source: { csv?: { delimiter: string } } }> };
    expect(config.streams.map((s) => s.destination.primary_key)).toEqual([['sensor', 'local_time'], ['id']]);
    expect(config.streams[0]!.source.csv).toEqual({ delimiter: ';' });
    const schema = JSON.parse(readFileSync(join(dir, 'schemas', 'obs.schema.json'), 'utf8')) as { properties: Record<string, { type: string }> };
    expect(schema.properties.temp!.type).toBe('number');

    const first = await runCli(['sync', '--config', pipeline, '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    const [readings, obs] = (JSON.parse(first.stdout) as { streams: StreamJson[] }).streams;
    expect(readings).toMatchObject({ read: 26, inserted: 24, updated: 0, unchanged: 0, duplicate: 1, rejected: 1, rejectedByKind: { parse: 1 }, balanced: true, validated: true });
    expect(obs).toMatchObject({ read: 22, inserted: 20, updated: 0, unchanged: 0, duplicate: 1, rejected: 1, rejectedByKind: { type: 1 }, balanced: true, validated: true });

    const db = scratch.client.db(database);
    // Typed where the source is typed (JSONL); the repeated key holds the record read last.
    expect(await db.collection('obs').findOne({ id: 'r3' })).toMatchObject({ temp: 12, wind: '3 km/h' });
    expect(await db.collection('readings').findOne({ sensor: 'A1', local_time: '01/03/2024 01:00' })).toMatchObject({ temp: '19,9 °C' });
    const csvReject = await db.collection('readings_rejects').findOne({});
    expect(csvReject).toMatchObject({ location: { file: 'data/readings.csv', row: 27 }, rules: ['parse'] });
    const jsonReject = await db.collection('obs_rejects').findOne({});
    expect(jsonReject).toMatchObject({ location: { file: 'data/obs.jsonl', row: 22 }, failures: [{ field: 'temp', rule: 'type', value: 'warm' }] });

    const second = await runCli(['sync', '--config', pipeline, '--json'], { env });
    expect(second.code, second.stderr).toBe(0);
    for (const s of (JSON.parse(second.stdout) as { streams: StreamJson[] }).streams) {
      expect(s, s.stream).toMatchObject({ inserted: 0, updated: 0, duplicate: 1, rejected: 1, balanced: true });
      expect(s.unchanged, s.stream).toBe(s.read - 2);
    }
  });
});
