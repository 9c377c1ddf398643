import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import type { MongoClient } from 'mongodb';
import type { StreamReport } from '../../../src/sync/run-result.js';
import { ROOT, primaryClient, runCli, stackUris, uniqueDb } from '../../helpers.js';

/**
 * The real Airbyte connector `source-faker` as an external `airbyte` source of a pipeline,
 * run by `proofline sync`: incremental + append_dedup on the faker's primary key. Rerunning
 * with the same seed (resumed from the saved state, then from scratch) duplicates nothing,
 * and every run balances: read = inserted + updated + unchanged + duplicate + rejected.
 */

const FAKER = join(ROOT, '.venv/bin/source-faker');

function pipeline(db: string, count: number): string {
  const stream = (name: string) => `
  - name: faker_${name}
    source:
      type: airbyte
      command: [${JSON.stringify(FAKER)}]
      config: { count: ${count}, seed: 42, records_per_slice: 25, parallelism: 1 }
      timeout_ms: 120000
    source_stream: ${name}
    mapping: identity
    destination:
      collection: faker_${name}
      primary_key: [id]
    sync_mode: incremental
    destination_sync_mode: append_dedup
    cursor_field: updated_at
    batch_size: 40`;
  return `version: 1
name: faker
mongodb:
  uri: ${stackUris().primary}
  database: ${db}
streams:${stream('users')}${stream('purchases')}
`;
}

describe('proofline sync with source-faker as an airbyte source', () => {
  let client: MongoClient;
  const db = uniqueDb('faker_sync');
  let dir: string;

  beforeAll(async () => {
    client = await primaryClient();
    dir = mkdtempSync(join(tmpdir(), 'pl-faker-sync-'));
  });
  afterAll(async () => {
    await client?.db(db).dropDatabase().catch(() => undefined);
    await client?.close();
  });

  async function sync(count: number): Promise<StreamReport[]> {
    const file = join(dir, `pipeline-${count}.yaml`);
    writeFileSync(file, pipeline(db, count));
    const r = await runCli(['sync', '--config', file, '--json'], { timeoutMs: 300_000 });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const streams = (JSON.parse(r.stdout) as { streams: StreamReport[] }).streams;
    for (const s of streams) {
      expect(s.status).toBe('succeeded');
      expect(s.read, s.stream).toBe(s.inserted + s.updated + s.unchanged + s.duplicate + s.rejected);
      expect(s.rejected).toBe(0);
    }
    return streams;
  }

  async function expectNoDuplicates(expectedUsers: number): Promise<void> {
    for (const name of ['users', 'purchases']) {
      const coll = client.db(db).collection(`faker_${name}`);
      expect(await coll.countDocuments(), name).toBe((await coll.distinct('id')).length);
    }
    expect(await client.db(db).collection('faker_users').countDocuments()).toBe(expectedUsers);
  }

  it('loads, resumes from the saved state, and reruns from scratch without duplicating anything', async () => {
    const first = await sync(50);
    expect(first.find((s) => s.stream === 'faker_users')).toMatchObject({ read: 50, inserted: 50 });
    await expectNoDuplicates(50);

    // Same seed, more users, resumed from the saved state. The faker (always_updated, its
    // default) re-emits every user with a new updated_at: the 50 known ids are updated in
    // place, only the 20 new ones are inserted.
    const second = await sync(70);
    const users2 = second.find((s) => s.stream === 'faker_users')!;
    expect(users2.inserted).toBe(20);
    expect(users2.updated + users2.unchanged).toBe(users2.read - 20);
    await expectNoDuplicates(70);

    // Forget the state: everything is read again and upserted onto the same ids.
    await client.db(db).collection('_proofline_state').deleteMany({});
    const third = await sync(70);
    const users3 = third.find((s) => s.stream === 'faker_users')!;
    expect(users3).toMatchObject({ read: 70, inserted: 0 });
    expect(users3.updated + users3.unchanged).toBe(70);
    await expectNoDuplicates(70);
  });
});
