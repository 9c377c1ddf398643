import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/common/logger.js';
import { parseConfig } from '../../../src/config/load.js';
import { runSync } from '../../../src/sync/run-sync.js';
import { scratchDatabases, stackUris } from '../../helpers.js';
import { fixture, observations } from './sync-fixture.js';

/**
 * `concurrency: 3` with three streams, two of which write one collection: every stream
 * keeps its own counts, run record entry, state and lease; the shared collection ends
 * with exactly the union. (That streams overlap is proven on the pool in
 * test/unit/sync/stream-pool.test.ts, without timing.)
 */

const scratch = scratchDatabases();
const logger = createLogger({ level: 'silent', pretty: false });

describe('parallel streams', () => {
  it('run with per-stream counts, run records, state and leases, and exact collections', async () => {
    const f = fixture('parallel');
    scratch.dbs.push(f.database);
    const inputs: Record<string, number> = { north: 0, south: 1000, east: 2000 };
    for (const [name, start] of Object.entries(inputs)) {
      mkdirSync(join(f.dir, name), { recursive: true });
      writeFileSync(join(f.dir, name, 'x.jsonl'), observations(250, 5, start).map((o) => JSON.stringify(o)).join('\n') + '\n');
    }
    const stream = (name: string, collection: string): Record<string, unknown> => ({
      name,
      source: { type: 'files', path: name, format: 'jsonl', stream: name },
      mapping: 'identity',
      destination: { collection, schema: 'obs.schema.json', primary_key: ['station', 'seq'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      cursor_field: 'seq',
      batch_size: 50,
    });
    const config = parseConfig(
      {
        name: 'p_parallel',
        concurrency: 3,
        mongodb: { uri: stackUris().primary, database: f.database },
        streams: [stream('north', 'obs_a'), stream('south', 'obs_b'), stream('east', 'obs_a')],
      },
      join(f.dir, 'pipeline.yaml'),
      {},
    );
    const report = await runSync(config, { logger });
    expect(report.status).toBe('succeeded');
    expect(report.streams.map((s) => [s.stream, s.collection, s.read, s.inserted, s.status])).toEqual([
      ['north', 'obs_a', 250, 250, 'succeeded'],
      ['south', 'obs_b', 250, 250, 'succeeded'],
      ['east', 'obs_a', 250, 250, 'succeeded'],
    ]);
    const db = scratch.client.db(f.database);
    const seqs = async (c: string): Promise<number[]> => (await db.collection(c).find({}).toArray()).map((d) => Number(d.seq)).sort((a, b) => a - b);
    expect(await seqs('obs_a')).toEqual([...observations(250, 5, 0), ...observations(250, 5, 2000)].map((o) => o.seq));
    expect(await seqs('obs_b')).toEqual(observations(250, 5, 1000).map((o) => o.seq));
    const run = await db.collection('_proofline_runs').findOne({ _id: report.runId as never });
    expect((run?.streams as Array<{ stream: string; read: number }>).map((s) => [s.stream, s.read])).toEqual([
      ['north', 250],
      ['south', 250],
      ['east', 250],
    ]);
    const states = await db.collection('_proofline_state').find({}).toArray();
    expect(states.map((s) => String(s.stream)).sort()).toEqual(['east', 'north', 'south']);
    for (const s of states) expect(Object.keys((JSON.parse(String(s.state_json)) as { files: object }).files)).toEqual([`${String(s.stream)}/x.jsonl`]);
    const leases = await db.collection('_proofline_leases').find({}).toArray();
    expect(leases.map((l) => [l.key, l.released])).toEqual(expect.arrayContaining([['p_parallel/north', true], ['p_parallel/south', true], ['p_parallel/east', true]]));

    const again = await runSync(config, { logger });
    expect(again.streams.map((s) => s.read)).toEqual([0, 0, 0]);
  });
});
