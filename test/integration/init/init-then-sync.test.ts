import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli, scratchDatabases, stackUris, uniqueDb } from '../../helpers.js';

/**
 * A new user's two commands: `proofline init --from` a CSV and a JSONL (decimal commas, units
 * in cells, local times across the spring DST change, a repeated key, one bad row each),
 * then `proofline sync` twice: typed documents, rejects with their location and reason.
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

    const init = await runCli(['init', '--from', csv, jsonl, '--out', pipeline, '--name', database, '--timezone', 'Europe/Paris'], { env });
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('stream readings: 25 record(s) sampled from csv, 4 column(s), primary key sensor + local_time');
    expect(init.stdout).toContain('stream obs: 22 record(s) sampled from jsonl, 4 column(s), primary key id');
    const text = readFileSync(pipeline, 'utf8');
    expect(text).toContain('"temp": {"parse":"number","units_in_cell":["°C"]}   # number with a decimal comma, unit "°C" in the cells');
    expect(text).toContain('"local_time": {"parse":"local_time","format":"dd/MM/yyyy HH:mm","zone":"Europe/Paris"}');
    expect(text).toContain('"wind": {"parse":"number","units_in_cell":["km/h"]}');
    expect(text).toContain('# check: local_time: local times read in Europe/Paris (as --timezone said)');
    expect(text).toContain('# check: temp: 1 sampled value(s) do not fit "number" (e.g. "warm"): a sync rejects them');
    const config = parse(text) as { streams: Array<{ destination: { primary_key: string[] }; mapping: { fields: Record<string, unknown> }; source: { csv?: { delimiter: string } } }> };
    expect(config.streams.map((s) => s.destination.primary_key)).toEqual([['sensor', 'local_time'], ['id']]);
    expect(config.streams[0]!.source.csv).toEqual({ delimiter: ';' });
    expect(config.streams[1]!.mapping.fields).toEqual({ id: 'text', at: { parse: 'local_time', format: 'yyyy-MM-dd HH:mm', zone: 'Europe/Paris' }, temp: 'number', wind: { parse: 'number', units_in_cell: ['km/h'] } });
    const schema = JSON.parse(readFileSync(join(dir, 'schemas', 'readings.schema.json'), 'utf8')) as { properties: Record<string, unknown> };
    expect(schema.properties).toMatchObject({ temp: { type: 'number' }, humidity: { type: 'number' }, local_time: { type: 'string', format: 'date-time' } });

    const first = await runCli(['sync', '--config', pipeline, '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    const [readings, obs] = (JSON.parse(first.stdout) as { streams: StreamJson[] }).streams;
    expect(readings).toMatchObject({ read: 26, inserted: 24, updated: 0, unchanged: 0, duplicate: 1, rejected: 1, rejectedByKind: { parse: 1 }, balanced: true, validated: true });
    // r2 at 02:30 on 2024-03-31 does not exist in Paris (clocks went forward): dst_gap.
    expect(obs).toMatchObject({ read: 22, inserted: 19, updated: 0, unchanged: 0, duplicate: 1, rejected: 2, rejectedByKind: { number_format: 1, dst_gap: 1 }, balanced: true, validated: true });

    const db = scratch.client.db(database);
    // Typed documents: numbers from "19,9 °C" and "3 km/h", instants from local times; the repeated key holds the record read last.
    expect(await db.collection('obs').findOne({ id: 'r3' })).toMatchObject({ temp: 12, wind: 3, at: new Date('2024-03-31T01:30:00Z') });
    expect(await db.collection('readings').findOne({ sensor: 'A1', local_time: new Date('2024-03-01T00:00:00Z') })).toMatchObject({ temp: 19.9, humidity: 51 });
    const csvReject = await db.collection('readings_rejects').findOne({});
    expect(csvReject).toMatchObject({ location: { file: 'data/readings.csv', row: 27 }, rules: ['parse'] });
    const jsonRejects = await db.collection('obs_rejects').find({}, { sort: { 'location.row': 1 } }).toArray();
    expect(jsonRejects).toMatchObject([
      { location: { file: 'data/obs.jsonl', row: 2 }, failures: [{ field: 'at', rule: 'dst_gap', value: '2024-03-31 02:30' }] },
      { location: { file: 'data/obs.jsonl', row: 22 }, failures: [{ field: 'temp', rule: 'number_format', value: 'warm' }] },
    ]);

    const second = await runCli(['sync', '--config', pipeline, '--json'], { env });
    expect(second.code, second.stderr).toBe(0);
    for (const s of (JSON.parse(second.stdout) as { streams: StreamJson[] }).streams) {
      expect(s, s.stream).toMatchObject({ inserted: 0, updated: 0, duplicate: 1, balanced: true });
      expect(s.unchanged, s.stream).toBe(s.read - 1 - s.rejected);
    }
  });
});
