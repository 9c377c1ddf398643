import { describe, expect, it } from 'vitest';
import { renameDropTargetOf } from '../../../src/store/capability-cache.js';
import { runSync } from '../../../src/sync/run-sync.js';
import { scratchDatabases, stackUris } from '../../helpers.js';
import { expectBalanced, fixture, observations, type Obs } from './sync-fixture.js';

/**
 * full_refresh + overwrite on a server without the one-rename swap (the local stack,
 * FerretDB v1): the load is compared with the stored generation, only what differs is
 * written, and what the new generation lacks is deleted (store/generation-diff.ts). On a
 * server that renames with dropTarget the whole generation is loaded and swapped in.
 */

const scratch = scratchDatabases();
const mode = { sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' };
const unkeyed = { destination: { collection: 'obs', schema: 'obs.schema.json' } };

async function stored(database: string): Promise<string[]> {
  const docs = await scratch.client.db(database).collection('obs').find({}, { projection: { _id: 0, station: 1, seq: 1, temp: 1 } }).toArray();
  return docs.map((d) => JSON.stringify([d.station, d.seq, d.temp])).sort();
}
const expected = (rows: Obs[]): string[] => rows.map((o) => JSON.stringify([o.station, o.seq, o.temp])).sort();

async function leftovers(database: string): Promise<string[]> {
  return (await scratch.client.db(database).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n.includes('__pl_tmp_'));
}

describe.each([
  ['with a primary key', {}],
  ['without a key', unkeyed],
])('full_refresh + overwrite %s', (_label, stream) => {
  it('writes only what differs from the stored generation, and deletes what the new one lacks', async () => {
    const diffs = !(await renameDropTargetOf(scratch.client, stackUris().primary)).supported;
    const f = fixture(`owgen${Object.keys(stream).length}`);
    scratch.dbs.push(f.database);
    const rows = observations(120);
    f.writeFile('a.jsonl', rows);
    const sync = async () => {
      const r = await runSync(f.config({ ...mode, ...stream }));
      expect(r.status).toBe('succeeded');
      expectBalanced(r.streams);
      return r.streams[0]!;
    };

    expect(await sync()).toMatchObject({ read: 120, inserted: 120, updated: 0, unchanged: 0 });
    expect(await stored(f.database)).toEqual(expected(rows));
    const firstRun = await scratch.client.db(f.database).collection('obs').findOne({ seq: 7 });

    // The same content again: nothing differs, so nothing is written.
    expect(await sync()).toMatchObject({ read: 120, ...(diffs ? { inserted: 0, unchanged: 120 } : { inserted: 120 }) });
    expect(await stored(f.database)).toEqual(expected(rows));
    if (diffs) expect(await scratch.client.db(f.database).collection('obs').findOne({ seq: 7 })).toEqual(firstRun);

    // One record changed, the last one gone, one new at the end (an unkeyed record is
    // known by its file row and content, so a row removed in the middle would move the rest).
    const next = [...rows.filter((o) => o.seq !== 119), { station: 'S9', seq: 500, temp: 1 }].map((o) => (o.seq === 7 ? { ...o, temp: 30 } : o));
    f.writeFile('a.jsonl', next);
    const third = await sync();
    // Without a key a changed record is a new record (its `_id` hashes its content) and its old version is stale.
    const changed = Object.keys(stream).length ? { inserted: 2, updated: 0 } : { inserted: 1, updated: 1 };
    if (diffs) expect(third).toMatchObject({ read: 120, unchanged: 118, ...changed });
    expect(await stored(f.database)).toEqual(expected(next));
    expect(await scratch.client.db(f.database).collection('obs').countDocuments()).toBe(120);
    expect(await leftovers(f.database)).toEqual([]);
  });

  it('a run interrupted while loading leaves the stored generation exactly as it was', async () => {
    const f = fixture(`owgenint${Object.keys(stream).length}`);
    scratch.dbs.push(f.database);
    const rows = observations(100);
    f.writeFile('a.jsonl', rows);
    await runSync(f.config({ ...mode, ...stream }));
    const before = await scratch.client.db(f.database).collection('obs').find().sort({ seq: 1 }).toArray();
    f.writeFile('a.jsonl', [...observations(100).map((o) => ({ ...o, temp: 0 })), ...observations(1000, 5, 5000)]);
    const controller = new AbortController();
    const r = await runSync(f.config({ ...mode, ...stream }), { signal: controller.signal, onProgress: (p) => (p.read >= 500 ? controller.abort() : undefined) });
    expect(r.status).toBe('interrupted');
    expectBalanced(r.streams);
    expect(await scratch.client.db(f.database).collection('obs').find().sort({ seq: 1 }).toArray()).toEqual(before);
    expect(await leftovers(f.database)).toEqual([]);
  });
});

describe('full_refresh + overwrite of a run that fails on what it read', () => {
  it('over max_reject_rate: the swap is not made and the stored generation stays as it was', async () => {
    const f = fixture('owgenbad');
    scratch.dbs.push(f.database);
    f.writeFile('a.jsonl', observations(100));
    expect((await runSync(f.config(mode))).status).toBe('succeeded');
    const before = await scratch.client.db(f.database).collection('obs').find().sort({ seq: 1 }).toArray();
    // A broken export: a third of the rows unreadable, the rest changed.
    f.writeFile('a.jsonl', observations(100).map((o) => (o.seq % 3 === 0 ? { ...o, temp: 'n/a' } : { ...o, temp: 1 })));
    const r = await runSync(f.config(mode));
    expectBalanced(r.streams);
    expect(r.status).toBe('failed');
    expect(r.streams[0]).toMatchObject({ read: 100, rejected: 34, rejectRateExceeded: true });
    expect(await scratch.client.db(f.database).collection('obs').find().sort({ seq: 1 }).toArray()).toEqual(before);
    expect(await leftovers(f.database)).toEqual([]);
  });
});
