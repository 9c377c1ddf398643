import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { createLogger } from '../../../src/common/logger.js';
import { parseDestinationConfig } from '../../../src/destination/config.js';
import { writeMessages } from '../../../src/destination/write.js';
import type { StreamReport, SyncReport } from '../../../src/sync/run-result.js';
import { buildConfiguredCatalog } from '../../../src/sources/airbyte/catalog.js';
import { airbyteSource } from '../../../src/sources/airbyte/connector.js';
import { stateByStream } from '../../../src/protocol/cli-inputs.js';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, JsonObject } from '../../../src/protocol/messages.js';
import { ROOT, scratchDatabases, stackUris, uniqueDb } from '../../helpers.js';

const streamOf = (r: SyncReport, name: string): StreamReport => r.streams.find((s) => s.stream === name)!;

/**
 * External Airbyte sources loaded into the stack through the library pieces the sync is
 * made of: the `airbyte` source (a real connector process) feeding the destination core,
 * whose emitted STATE is what gets saved for the next run.
 */

const logger = createLogger({ level: 'warn', pretty: false });
const ctx = { baseDir: ROOT, logger };

async function run(source: JsonObject, catalog: ConfiguredAirbyteCatalog, db: string, saved: Record<string, JsonObject>) {
  const committed: AirbyteMessage[] = [];
  const config = parseDestinationConfig({ uri: stackUris().primary, database: db, batch_size: 25 });
  let error: Error | undefined;
  let result: SyncReport | undefined;
  try {
    result = await writeMessages(airbyteSource.read(source, catalog, saved, ctx), { config, catalog, logger, baseDir: ROOT, emit: async (m) => void committed.push(m) });
  } catch (e) {
    error = e as Error;
  }
  return { committed, result, error, state: { ...saved, ...stateByStream(committed.map((m) => (m.type === 'STATE' ? m.state : {}))) } };
}

describe('an external Airbyte source into MongoDB', () => {
  const scratch = scratchDatabases();
  const dbs = scratch.dbs;

  it('source-faker, incremental + append_dedup, rerun with the same seed: nothing duplicated, every record accounted for', async () => {
    const db = uniqueDb('faker_dedup');
    dbs.push(db);
    const source = { type: 'airbyte', command: [join(ROOT, '.venv/bin/source-faker')], config: { count: 60, seed: 7, records_per_slice: 20, parallelism: 1 } };
    const discovered = await airbyteSource.discover(source, ctx);
    const catalog = buildConfiguredCatalog(discovered, ['users', 'products', 'purchases'].map((name) => ({ name, sync_mode: 'incremental' as const, destination_sync_mode: 'append_dedup' as const })));
    expect(catalog.streams.map((s) => s.primary_key)).toEqual([[['id']], [['id']], [['id']]]);

    const first = await run(source, catalog, db, {});
    expect(first.error).toBeUndefined();
    // Rerun from scratch (no state) with the same seed: the same ids again, upserted not duplicated.
    const second = await run(source, catalog, db, {});
    expect(second.error).toBeUndefined();
    // And an incremental rerun from the saved state.
    const third = await run(source, catalog, db, first.state);
    expect(third.error).toBeUndefined();

    for (const r of [first, second, third]) {
      for (const c of r.result!.streams) expect(c.read).toBe(c.inserted + c.updated + c.unchanged + c.duplicate + c.rejected);
    }
    for (const name of ['users', 'products', 'purchases']) {
      const coll = scratch.client.db(db).collection(name);
      const count = await coll.countDocuments();
      expect(count, name).toBe((await coll.distinct('id')).length);
      expect(count).toBe(streamOf(first.result!, name).inserted);
      expect(streamOf(second.result!, name).inserted, `${name}: nothing new on the rerun`).toBe(0);
      expect(streamOf(second.result!, name).read).toBe(streamOf(first.result!, name).read);
    }
    expect(streamOf(first.result!, 'users').inserted).toBe(60);
    expect(Object.keys(first.state).sort()).toEqual(['products', 'purchases', 'users']);
  });

  it('a connector that exits non-zero mid-stream: what was flushed stays, the state stops at the last one covered', async () => {
    const db = uniqueDb('crash');
    dbs.push(db);
    const source = { type: 'airbyte', command: [process.execPath, join(ROOT, 'test/fixtures/airbyte/fake-source.mjs')], config: { records: 100, state_every: 10, behaviour: 'crash_after', crash_after: 47 } };
    const catalog = buildConfiguredCatalog(await airbyteSource.discover(source, ctx), [{ name: 'items', destination_sync_mode: 'append_dedup' }]);
    const r = await run(source, catalog, db, {});
    expect(r.error).toMatchObject({ code: 'CONNECTOR_FAILED' });
    expect(r.state).toEqual({ items: { cursor: 40 } });
    const ids = (await scratch.client.db(db).collection('items').distinct('id')) as number[];
    // Every record the committed state covers is stored.
    for (let id = 1; id <= 40; id += 1) expect(ids).toContain(id);
    // A rerun from the committed state completes the stream without duplicates.
    const resumed = await run({ ...source, config: { records: 60, state_every: 10 } }, catalog, db, r.state);
    expect(resumed.error).toBeUndefined();
    expect(resumed.state).toEqual({ items: { cursor: 100 } });
    expect(await scratch.client.db(db).collection('items').countDocuments()).toBe(100);
  });

  it('rejected output is counted and quarantined with its reason: unknown streams, malformed and oversized records', async () => {
    const db = uniqueDb('rejects');
    dbs.push(db);
    const base = { type: 'airbyte', command: [process.execPath, join(ROOT, 'test/fixtures/airbyte/fake-source.mjs')] };
    const catalog = buildConfiguredCatalog(await airbyteSource.discover({ ...base, config: {} }, ctx), [{ name: 'items', destination_sync_mode: 'append' }]);
    const unknown = await run({ ...base, config: { records: 5, behaviour: 'unknown_stream' } }, catalog, db, {});
    const malformed = await run({ ...base, config: { records: 5, behaviour: 'malformed' } }, catalog, db, {});
    const big = await run({ ...base, config: { records: 5, behaviour: 'large', large_bytes: 3 * 1024 * 1024 }, max_line_bytes: 2 * 1024 * 1024 }, catalog, db, {});
    for (const r of [unknown, malformed, big]) {
      expect(r.error).toBeUndefined();
      const c = streamOf(r.result!, 'items');
      expect(c.read).toBe(c.inserted + c.updated + c.unchanged + c.duplicate + c.rejected);
      expect(c.rejected).toBe(1);
    }
    expect(streamOf(unknown.result!, 'items').rejectedByKind).toEqual({ unknown_stream: 1 });
    expect(streamOf(malformed.result!, 'items').rejectedByKind).toEqual({ invalid_message: 1 });
    expect(streamOf(big.result!, 'items').rejectedByKind).toEqual({ oversized_line: 1 });
    const q = await scratch.client.db(db).collection('items_rejects').find().toArray();
    expect(q.map((d) => (d.rules as string[]).join(',')).sort()).toEqual(['invalid_message', 'oversized_line', 'unknown_stream']);
    // Append is idempotent per source position (docs/sync.md): records re-delivered from the
    // same state at the same position are stored once, so the stored count is what the
    // server acknowledged as inserted over the three runs, and every good record is there.
    const items = scratch.client.db(db).collection('items');
    const inserted = [unknown, malformed, big].reduce((n, r) => n + streamOf(r.result!, 'items').inserted, 0);
    expect(await items.countDocuments()).toBe(inserted);
    expect((await items.distinct('id')).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
