import { describe, expect, it, vi } from 'vitest';
import type { Collection, Document } from 'mongodb';
import { AdaptiveUpsert } from '../../../src/store/adaptive-upsert.js';
import { upsertBatch, type BatchOutcome } from '../../../src/store/batch-write.js';
import { noRetry } from '../../../src/store/db-retry.js';
import { scratchDatabases, uniqueDb } from '../../helpers.js';

/**
 * append_dedup's two ways to find stored versions (insert first, or read first) must give
 * the same counts and the same stored documents; only their cost differs
 * (docs/performance.md). And the stream's writer picks read-first once a batch shows a rerun.
 */

const scratch = scratchDatabases();

const doc = (id: string, hash: string, at: number, run: string, extra: Document = {}): Document => ({
  _id: id,
  at,
  hash,
  ...extra,
  _proofline: { content_hash: hash, run_id: run },
});

/** The history: a, b, c stored by an earlier run. */
const history = (): Document[] => [doc('a', 'ha', 5, 'old'), doc('b', 'hb', 5, 'old'), doc('c', 'hc', 5, 'old')];

/** One batch touching every decision: unchanged, updated, older (kept), new, a key twice, a refused document. */
const batch = (run: string): Document[] => [
  doc('a', 'ha', 5, run),
  doc('b', 'hb2', 6, run),
  doc('c', 'hc2', 4, run),
  doc('d', 'hd', 1, run),
  doc('e', 'he1', 1, run),
  doc('e', 'he2', 2, run),
  // FerretDB refuses a NUL in a string; MongoDB stores it.
  doc('f', 'hf', 1, run, { note: 'x\u0000y' }),
  doc('g', 'hg', 1, run),
];

async function seeded(name: string): Promise<Collection> {
  const database = uniqueDb('keyed');
  scratch.dbs.push(database);
  const coll = scratch.client.db(database).collection(name);
  await coll.insertMany(history());
  return coll;
}

const sorted = (r: BatchOutcome): BatchOutcome => ({ ...r, failed: [...r.failed].sort((x, y) => x.index - y.index).map((f) => ({ ...f, message: f.message.slice(0, 20) })) });
const contents = async (c: Collection): Promise<Document[]> => c.find({}, { projection: { _proofline: 0 } }).sort({ _id: 1 }).toArray();

describe('keyed writes: insert first or read first', () => {
  it('give the same counts and the same stored documents', async () => {
    const readFirst = await seeded('read_first');
    const insertFirst = await seeded('insert_first');
    const ctx = { runId: 'r1', retry: noRetry };
    const a = await upsertBatch(readFirst, batch('r1'), 'at', ctx, false);
    const b = await upsertBatch(insertFirst, batch('r1'), 'at', ctx, true);
    expect(sorted(b)).toEqual(sorted(a));
    const refused = a.failed.length;
    // a unchanged, c older → unchanged; b updated; e's first version written over → updated; d, e, g (and f where stored) inserted.
    expect(a).toMatchObject({ unchanged: 2, updated: 2, inserted: 4 - refused });
    expect(a.inserted + a.updated + a.unchanged + a.failed.length).toBe(8);
    expect(await contents(insertFirst)).toEqual(await contents(readFirst));
    const stored = await contents(insertFirst);
    expect(stored.map((d) => `${d._id}:${d.hash}`)).toEqual(['a:ha', 'b:hb2', 'c:hc', 'd:hd', 'e:he2', ...(refused ? [] : ['f:hf']), 'g:hg']);
  });

  it('count a batch this run already stored (resent after a transient error) as inserted, and an earlier run’s as unchanged', async () => {
    for (const insertFirst of [true, false]) {
      const coll = await seeded(`resend_${insertFirst}`);
      const docs = [doc('n1', 'h1', 1, 'r1'), doc('n2', 'h2', 1, 'r1')];
      const ctx = { runId: 'r1', retry: noRetry };
      expect(await upsertBatch(coll, docs, 'at', ctx, insertFirst)).toMatchObject({ inserted: 2, unchanged: 0 });
      expect(await upsertBatch(coll, docs, 'at', ctx, insertFirst)).toMatchObject({ inserted: 2, unchanged: 0 });
      const later = [doc('n1', 'h1', 1, 'r2'), doc('n2', 'h2', 1, 'r2')];
      expect(await upsertBatch(coll, later, 'at', { ...ctx, runId: 'r2' }, insertFirst)).toMatchObject({ inserted: 0, unchanged: 2 });
      expect(await coll.countDocuments()).toBe(5);
    }
  });

  it('inserts first while batches are mostly new, and reads first once a batch was mostly stored', async () => {
    const coll = await seeded('adaptive');
    const inserts = vi.spyOn(coll, 'insertMany');
    const writer = new AdaptiveUpsert();
    const ctx = { runId: 'r1', retry: noRetry };
    const fresh = Array.from({ length: 10 }, (_, i) => doc(`n${i}`, `h${i}`, 1, 'r1'));
    expect(await writer.write(coll, fresh, 'at', ctx)).toMatchObject({ inserted: 10 });
    // Insert first: one insertMany holding the whole batch.
    expect(inserts.mock.calls.at(-1)![0]).toHaveLength(10);

    // A rerun (another run) of history a, b, c: the first batch is tried as an insert and refused…
    const rerun = new AdaptiveUpsert();
    const again = { runId: 'r2', retry: noRetry };
    inserts.mockClear();
    expect(await rerun.write(coll, [doc('a', 'ha', 5, 'r2'), doc('b', 'hb', 5, 'r2'), doc('c', 'hc', 5, 'r2')], 'at', again)).toMatchObject({ unchanged: 3 });
    expect(inserts).toHaveBeenCalledTimes(1);
    // …so the next is read first: only its one new record is inserted.
    inserts.mockClear();
    expect(await rerun.write(coll, [...fresh.slice(0, 3).map((d) => ({ ...d, _proofline: { ...d._proofline, run_id: 'r2' } })), doc('z', 'hz', 1, 'r2')], 'at', again)).toMatchObject({
      unchanged: 3,
      inserted: 1,
    });
    expect(inserts.mock.calls.map((c) => (c[0] as Document[]).map((d) => d._id))).toEqual([['z']]);
  });
});
