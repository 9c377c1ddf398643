import { describe, expect, it } from 'vitest';
import { runSync } from '../../../src/sync/run-sync.js';
import { scratchDatabases } from '../../helpers.js';
import { expectBalanced, fixture, observations } from './sync-fixture.js';

/** Each sync mode on the real stack, with the reconciliation identity asserted on every run. */

const scratch = scratchDatabases();
const dbs = scratch.dbs;

const sync = async (f: ReturnType<typeof fixture>, stream: Record<string, unknown>) => {
  dbs.push(f.database);
  const r = await runSync(f.config(stream));
  expectBalanced(r.streams);
  return r;
};

describe('incremental + append_dedup', () => {
  it('upserts on the primary key, quarantines bad records with reasons, and a rerun changes nothing', async () => {
    const f = fixture('dedup');
    const good = observations(120);
    f.writeFile('a.jsonl', [...good, { station: 'S1', seq: 9000, temp: 99 }, { station: 'S2', seq: 9001, temp: 'warm' }, '{"station": "S3", "seq": 90']);
    const mode = { sync_mode: 'full_refresh', destination_sync_mode: 'append_dedup', cursor_field: 'seq' };

    const first = await sync(f, mode);
    expect(first.status).toBe('succeeded');
    expect(first.streams[0]).toMatchObject({ read: 123, inserted: 120, updated: 0, unchanged: 0, rejected: 3 });
    expect(first.streams[0]!.rejectedByKind).toEqual({ maximum: 1, type: 1, parse: 1 });
    const db = scratch.client.db(f.database);
    expect(await db.collection('obs').countDocuments()).toBe(120);
    const rejects = await db.collection('obs_rejects').find().sort({ 'location.row': 1 }).toArray();
    expect(rejects).toHaveLength(3);
    expect(rejects[0]).toMatchObject({ stream: 'obs', location: { file: 'data/a.jsonl', row: 121 }, failures: [{ field: 'temp', rule: 'maximum', value: 99 }] });
    expect(JSON.parse(rejects[0]!.record_json as string)).toMatchObject({ station: 'S1', seq: 9000, temp: 99 });
    expect(rejects[1]!.failures[0]).toMatchObject({ field: 'temp', rule: 'type', value: 'warm' });
    expect(rejects[2]!.failures[0]).toMatchObject({ rule: 'parse' });
    const indexes = await db.collection('obs').indexes();
    expect(indexes.find((i) => i.name === 'pk_station_seq')).toMatchObject({ unique: true, key: { station: 1, seq: 1 } });
    expect(indexes.some((i) => i.name === 'ix_seq')).toBe(true);

    const second = await sync(f, mode);
    expect(second.streams[0]).toMatchObject({ read: 123, inserted: 0, updated: 0, unchanged: 120, rejected: 3 });
    expect(await db.collection('obs').countDocuments()).toBe(120);
    expect(await db.collection('obs_rejects').countDocuments(), 'rejects are idempotent').toBe(3);

    // One value changes; S0/5 comes again in b.jsonl with the same cursor: read last, it wins
    // and counts as a duplicate of this run's S0/5 (whose own outcome, judged first, is unchanged).
    f.writeFile('a.jsonl', [...good.map((o) => (o.seq === 7 ? { ...o, temp: 21.5 } : o))]);
    f.writeFile('b.jsonl', [{ station: 'S0', seq: 5, temp: 11 }]);
    const third = await sync(f, mode);
    expect(third.streams[0]).toMatchObject({ read: 121, inserted: 0, updated: 1, unchanged: 119, duplicate: 1, rejected: 0 });
    expect(await db.collection('obs').findOne({ station: 'S0', seq: 5 })).toMatchObject({ temp: 11 });
    expect(await db.collection('obs').findOne({ station: 'S2', seq: 7 })).toMatchObject({ temp: 21.5 });

    const runs = await db.collection('_proofline_runs').find().sort({ startedAt: 1 }).toArray();
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(runs[0]!.streams[0]).toMatchObject({ stream: 'obs', collection: 'obs', read: 123, inserted: 120, rejected: 3, rejectedByKind: { maximum: 1, type: 1, parse: 1 } });
    expect(runs[0]!.finishedAt).toBeInstanceOf(Date);
  });

  it('keeps the newest version by cursor and resumes from the saved state', async () => {
    const f = fixture('cursor');
    f.writeFile('a.jsonl', [{ station: 'S0', seq: 1, temp: 10, v: 2 }]);
    const mode = { sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: 'v', destination: { collection: 'obs', primary_key: ['station', 'seq'] } };
    const first = await sync(f, mode);
    expect(first.streams[0]).toMatchObject({ read: 1, inserted: 1 });
    // Incremental: a.jsonl is not read again; b.jsonl carries an older version (v 1): it must not win.
    f.writeFile('b.jsonl', [{ station: 'S0', seq: 1, temp: 5, v: 1 }]);
    const second = await sync(f, mode);
    expect(second.streams[0]).toMatchObject({ read: 1, inserted: 0, updated: 0, unchanged: 1 });
    f.writeFile('c.jsonl', [{ station: 'S0', seq: 1, temp: 30, v: 3 }]);
    const third = await sync(f, mode);
    expect(third.streams[0]).toMatchObject({ read: 1, updated: 1 });
    expect(await scratch.client.db(f.database).collection('obs').findOne({ seq: 1 })).toMatchObject({ temp: 30, v: 3 });
    const state = await scratch.client.db(f.database).collection('_proofline_state').findOne({ _id: 'p_cursor/obs' as never });
    expect(Object.keys(JSON.parse(state!.state_json as string).files)).toHaveLength(3);
  });
});

describe('append modes', () => {
  it('full_refresh + append inserts every record on every run', async () => {
    const f = fixture('fra');
    f.writeFile('a.jsonl', observations(60));
    const mode = { sync_mode: 'full_refresh', destination_sync_mode: 'append' };
    expect((await sync(f, mode)).streams[0]).toMatchObject({ read: 60, inserted: 60 });
    expect((await sync(f, mode)).streams[0]).toMatchObject({ read: 60, inserted: 60 });
    const coll = scratch.client.db(f.database).collection('obs');
    expect(await coll.countDocuments()).toBe(120);
    // append keeps duplicates by definition: the key index is not unique.
    expect((await coll.indexes()).find((i) => i.name === 'ix_station_seq')?.unique).toBeFalsy();
  });

  it('incremental + append inserts only what the source has not delivered before', async () => {
    const f = fixture('inca');
    f.writeFile('a.jsonl', observations(40));
    const mode = { sync_mode: 'incremental', destination_sync_mode: 'append' };
    expect((await sync(f, mode)).streams[0]).toMatchObject({ read: 40, inserted: 40 });
    expect((await sync(f, mode)).streams[0]).toMatchObject({ read: 0, inserted: 0 });
    f.writeFile('b.jsonl', observations(10, 5, 40));
    expect((await sync(f, mode)).streams[0]).toMatchObject({ read: 10, inserted: 10 });
    expect(await scratch.client.db(f.database).collection('obs').countDocuments()).toBe(50);
  });
});

describe('full_refresh + overwrite', () => {
  it('replaces the content, and a concurrent reader never sees the collection empty', async () => {
    const f = fixture('over');
    f.writeFile('a.jsonl', observations(300));
    const mode = { sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' };
    expect((await sync(f, mode)).streams[0]).toMatchObject({ read: 300, inserted: 300 });
    const coll = scratch.client.db(f.database).collection('obs');
    expect(await coll.countDocuments()).toBe(300);

    f.writeFile('a.jsonl', observations(200, 5, 1000));
    const counts: number[] = [];
    let done = false;
    const reader = (async () => {
      while (!done) counts.push(await coll.countDocuments());
    })();
    const r = await sync(f, mode);
    done = true;
    await reader;
    expect(r.streams[0]).toMatchObject({ read: 200, inserted: 200 });
    expect(counts.length).toBeGreaterThan(3);
    expect(Math.min(...counts), `counts seen during the overwrite: ${counts.join(',')}`).toBeGreaterThan(0);
    expect(await coll.countDocuments()).toBe(200);
    expect(await coll.countDocuments({ seq: { $lt: 1000 } })).toBe(0);
    const leftovers = (await scratch.client.db(f.database).listCollections().toArray()).filter((c) => c.name.includes('__pl_tmp_'));
    expect(leftovers).toEqual([]);
  });

  it('an interrupted run leaves the old data in place', async () => {
    const f = fixture('overfail');
    f.writeFile('a.jsonl', observations(100));
    const mode = { sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' };
    dbs.push(f.database);
    await runSync(f.config(mode));
    f.writeFile('a.jsonl', observations(2000, 5, 5000));
    const controller = new AbortController();
    const r = await runSync(f.config(mode), { signal: controller.signal, onProgress: (p) => (p.read >= 500 ? controller.abort() : undefined) });
    expect(r.status).toBe('interrupted');
    expectBalanced(r.streams);
    const coll = scratch.client.db(f.database).collection('obs');
    expect(await coll.countDocuments()).toBe(100);
    expect(await coll.countDocuments({ seq: { $gte: 5000 } })).toBe(0);
    const leftovers = (await scratch.client.db(f.database).listCollections().toArray()).filter((c) => c.name.includes('__pl_tmp_'));
    expect(leftovers).toEqual([]);
  });
});
