import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import type { MongoClient } from 'mongodb';
import { parse } from 'yaml';
import { createAjv } from '../../../src/common/ajv.js';
import { ROOT, primaryClient, spawnCli, stackUris, uniqueDb } from '../../helpers.js';
import { latestRuns } from '../../../src/report/runs.js';

/**
 * The real peer, end to end through a pipe, as Airbyte wires a sync:
 *   .venv/bin/source-faker read --config … --catalog … | proofline destination mongodb write --config … --catalog …
 * Counts in the database must equal the records the faker emitted, and every STATE the
 * faker emitted must come back on the destination's stdout, in order.
 */

const FAKER = join(ROOT, '.venv/bin/source-faker');
const STREAMS = ['users', 'products', 'purchases'];

interface Piped {
  sourceOut: string;
  destOut: string;
  destErr: string;
  sourceCode: number | null;
  destCode: number | null;
}

/** source | destination, with the source output also captured (tee) to compare. */
function pipe(sourceArgs: string[], destArgs: string[]): Promise<Piped> {
  return new Promise((resolveP, reject) => {
    const src = spawn(FAKER, sourceArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    const dst = spawnCli(destArgs);
    const r: Piped = { sourceOut: '', destOut: '', destErr: '', sourceCode: null, destCode: null };
    src.stdout.on('data', (d: Buffer) => (r.sourceOut += d.toString()));
    src.stdout.pipe(dst.stdin);
    src.stderr.resume();
    dst.stdout.on('data', (d: Buffer) => (r.destOut += d.toString()));
    dst.stderr.on('data', (d: Buffer) => (r.destErr += d.toString()));
    const timer = setTimeout(() => reject(new Error(`pipe timed out\n${r.destErr}`)), 180_000);
    src.on('close', (c) => (r.sourceCode = c));
    dst.on('close', (c) => {
      clearTimeout(timer);
      r.destCode = c;
      resolveP(r);
    });
    src.on('error', reject);
    dst.on('error', reject);
  });
}

interface Msg {
  type: string;
  record: { stream: string; data: { id: unknown } };
  state: { destinationStats: { recordCount: number }; sourceStats: { recordCount: number } };
}
const parseLines = (s: string): Msg[] =>
  s
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Msg);

describe('source-faker | proofline destination mongodb write', () => {
  let dir: string;
  let client: MongoClient;
  const db = uniqueDb('faker_pipe');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pl-faker-'));
    client = await primaryClient();
  });
  afterAll(async () => {
    await client?.db(db).dropDatabase().catch(() => undefined);
    await client?.close();
  });

  function files(mode: 'append_dedup' | 'append' | 'overwrite', count: number) {
    writeFileSync(join(dir, 'source.json'), JSON.stringify({ count, seed: 42, records_per_slice: 50, parallelism: 1 }));
    const catalog = {
      streams: STREAMS.map((name) => ({
        stream: { name, json_schema: { type: 'object', properties: { updated_at: { type: 'string', format: 'date-time' } } }, supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true, default_cursor_field: ['updated_at'], source_defined_primary_key: [['id']] },
        sync_mode: mode === 'overwrite' ? 'full_refresh' : 'incremental',
        destination_sync_mode: mode,
        cursor_field: ['updated_at'],
        primary_key: [['id']],
      })),
    };
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify(catalog));
    writeFileSync(join(dir, 'dest.json'), JSON.stringify({ uri: stackUris().primary, database: db, batch_size: 40, collection_prefix: `${mode}_` }));
    return ['--config', join(dir, 'dest.json'), '--catalog', join(dir, 'catalog.json')];
  }

  it('loads every record as a typed document and echoes every STATE, in order (append_dedup)', async () => {
    const destArgs = files('append_dedup', 120);
    const r = await pipe(['read', '--config', join(dir, 'source.json'), '--catalog', join(dir, 'catalog.json')], ['destination', 'mongodb', 'write', ...destArgs]);
    expect(r.sourceCode).toBe(0);
    expect(r.destCode, r.destErr).toBe(0);
    const emitted = parseLines(r.sourceOut);
    const records = emitted.filter((m) => m.type === 'RECORD');
    const sourceStates = emitted.filter((m) => m.type === 'STATE');
    const echoed = parseLines(r.destOut).filter((m) => m.type === 'STATE');
    expect(sourceStates.length).toBeGreaterThan(3);
    // The same states, in order, each stamped with what the destination received for it.
    expect(echoed.map(({ state: { destinationStats: _d, ...rest } }) => ({ type: 'STATE', state: rest }))).toEqual(sourceStates);
    for (const e of echoed) expect(e.state.destinationStats.recordCount).toBe(e.state.sourceStats.recordCount);
    // Everything the destination wrote on stdout is a valid protocol message.
    const ajv = createAjv();
    ajv.addSchema(parse(readFileSync(join(ROOT, 'test/fixtures/airbyte/airbyte_protocol.v0.yaml'), 'utf8')) as object, 'airbyte');
    const validate = ajv.getSchema('airbyte#/definitions/AirbyteMessage')!;
    for (const m of parseLines(r.destOut)) expect(validate(m), JSON.stringify(validate.errors)).toBe(true);
    for (const s of STREAMS) {
      const ids = new Set(records.filter((m) => m.record.stream === s).map((m) => m.record.data.id));
      const coll = client.db(db).collection(`append_dedup_${s}`);
      expect(await coll.countDocuments(), s).toBe(ids.size);
      expect((await coll.distinct('_id')).length).toBe(ids.size);
    }
    const user = await client.db(db).collection('append_dedup_users').findOne({ id: 1 });
    // Typed: fields at the top level (no _airbyte_data blob), timestamps as dates, lineage beside.
    expect(user).toMatchObject({ id: 1, name: expect.any(String), address: expect.any(Object) });
    expect(user!.updated_at).toBeInstanceOf(Date);
    expect(user!._proofline).toMatchObject({ run_id: expect.any(String), source: 'users', airbyte_extracted_at: expect.any(Date) });
    expect(user).not.toHaveProperty('_airbyte_data');

    // The destination's run is recorded like a sync's, and the report reads it.
    const [run] = await latestRuns(client.db(db), 1);
    expect(run).toMatchObject({ origin: 'destination', status: 'succeeded', errors: [] });
    expect(run!.streams.map((s) => s.stream).sort()).toEqual([...STREAMS].sort());
    for (const s of run!.streams) {
      expect(s.balanced, s.stream).toBe(true);
      expect(s.read, s.stream).toBe(records.filter((m) => m.record.stream === s.stream).length);
    }
  });

  it('append adds a second copy on rerun; overwrite replaces', async () => {
    for (const mode of ['append', 'overwrite'] as const) {
      const destArgs = files(mode, 30);
      for (let run = 1; run <= 2; run += 1) {
        const r = await pipe(['read', '--config', join(dir, 'source.json'), '--catalog', join(dir, 'catalog.json')], ['destination', 'mongodb', 'write', ...destArgs]);
        expect(r.destCode, r.destErr).toBe(0);
        const emittedUsers = parseLines(r.sourceOut).filter((m) => m.type === 'RECORD' && m.record.stream === 'users').length;
        const stored = await client.db(db).collection(`${mode}_users`).countDocuments();
        expect(stored, `${mode} run ${run}`).toBe(mode === 'append' ? emittedUsers * run : emittedUsers);
      }
    }
    const names = (await client.db(db).listCollections().toArray()).map((c) => c.name);
    expect(names.filter((n) => n.includes('__pl_tmp_'))).toEqual([]);
  });
});
