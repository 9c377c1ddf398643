import { describe, expect, it } from 'vitest';
import { runSync } from '../../../src/sync/run-sync.js';
import { scratchDatabases } from '../../helpers.js';
import { expectBalanced, fixture } from './sync-fixture.js';

/** Records sharing a primary key inside one run: resolved by the cursor, counted `duplicate`, reruns idempotent. */

const scratch = scratchDatabases();
const schemaless = { destination: { collection: 'obs', primary_key: ['station', 'seq'] } };

describe('duplicates inside one run', () => {
  it('keeps the newest by cursor (last read on a tie), within a batch and batches apart (batch_size 2); a rerun reports 0 inserted, 0 updated', async () => {
    const f = fixture('dups');
    scratch.dbs.push(f.database);
    const rows = [
      { station: 'S0', seq: 2, temp: 20, v: 1 },
      { station: 'S0', seq: 2, temp: 21, v: 1 }, // equal cursor, same batch: read last, wins
      { station: 'S0', seq: 1, temp: 10, v: 2 },
      { station: 'S0', seq: 1, temp: 11, v: 1 }, // older than the first: loses
      { station: 'S0', seq: 3, temp: 30, v: 1 },
      { station: 'S0', seq: 4, temp: 40, v: 1 },
      { station: 'S0', seq: 5, temp: 50, v: 1 },
      { station: 'S0', seq: 3, temp: 33, v: 5 }, // newer, 3 batches after the first S0/3: wins
      { station: 'S0', seq: 4, temp: 44, v: 0 }, // older, batches apart: loses
    ];
    f.writeFile('a.jsonl', rows);
    const mode = { sync_mode: 'full_refresh', destination_sync_mode: 'append_dedup', cursor_field: 'v', batch_size: 2, ...schemaless };
    const first = await runSync(f.config(mode));
    expectBalanced(first.streams);
    expect(first.streams[0]).toMatchObject({ read: 9, inserted: 5, updated: 0, unchanged: 0, duplicate: 4, rejected: 0 });
    const stored = await scratch.client.db(f.database).collection('obs').find({}, { projection: { _id: 0, seq: 1, temp: 1 } }).sort({ seq: 1 }).toArray();
    expect(stored).toEqual([
      { seq: 1, temp: 10 },
      { seq: 2, temp: 21 },
      { seq: 3, temp: 33 },
      { seq: 4, temp: 40 },
      { seq: 5, temp: 50 },
    ]);

    const second = await runSync(f.config(mode));
    expectBalanced(second.streams);
    expect(second.streams[0]).toMatchObject({ read: 9, inserted: 0, updated: 0, duplicate: 4, rejected: 0 });
    const run = await scratch.client.db(f.database).collection('_proofline_runs').findOne({ runId: second.runId });
    expect(run!.streams[0]).toMatchObject({ duplicate: 4 });
  });

  it('overwrite with a key: one document per key, the rest counted duplicate', async () => {
    const f = fixture('dupsow');
    scratch.dbs.push(f.database);
    f.writeFile('a.jsonl', [{ station: 'S0', seq: 1, temp: 1 }, { station: 'S0', seq: 1, temp: 2 }, { station: 'S0', seq: 2, temp: 3 }]);
    const r = await runSync(f.config({ sync_mode: 'full_refresh', destination_sync_mode: 'overwrite', ...schemaless }));
    expectBalanced(r.streams);
    expect(r.streams[0]).toMatchObject({ read: 3, inserted: 2, duplicate: 1 });
    expect(await scratch.client.db(f.database).collection('obs').findOne({ seq: 1 })).toMatchObject({ temp: 2 });
  });
});
