import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { probeCapabilities } from '../../../src/store/capabilities.js';
import { createLogger } from '../../../src/common/logger.js';
import { recordMessage, streamStateMessage, type AirbyteMessage } from '../../../src/protocol/messages.js';
import { SyncCore } from '../../../src/sync/core.js';
import { identityMapper } from '../../../src/transform/identity.js';
import { primaryClient, uniqueDb } from '../../helpers.js';

/**
 * The engine commits a STATE only after every record before it is acknowledged: at the
 * moment the hook runs, the collection must already hold exactly those records, even when
 * they sit in a batch that is not full yet.
 */

let client: MongoClient;
const database = uniqueDb('stateflush');

beforeAll(async () => {
  client = await primaryClient();
});
afterAll(async () => {
  await client.db(database).dropDatabase().catch(() => undefined);
  await client.close();
});

async function* messages(): AsyncGenerator<AirbyteMessage> {
  let n = 0;
  for (const size of [7, 30, 3]) {
    for (let i = 0; i < size; i += 1) yield recordMessage('obs', { k: `r${n++}`, v: i });
    yield streamStateMessage('obs', { upTo: n });
  }
  yield recordMessage('obs', { k: 'tail', v: 0 });
}

describe('state is committed after the flush it covers', () => {
  it('sees, in the state hook, every record emitted before the state', async () => {
    const db = client.db(database);
    const seen: Array<{ upTo: number; stored: number }> = [];
    const core = new SyncCore(
      [
        {
          name: 'obs',
          sourceStream: 'obs',
          collection: 'obs',
          mapper: identityMapper(),
          syncMode: 'incremental',
          destinationSyncMode: 'append_dedup',
          primaryKey: ['k'],
          indexes: [],
          batchSize: 1000,
        },
      ],
      {
        db,
        runId: 'run-state-test',
        logger: createLogger({ level: 'warn' }),
        capabilities: await probeCapabilities(client),
        renameDropTarget: false,
        onStateCommitted: async (state) => {
          seen.push({ upTo: Number(state.stream!.stream_state!.upTo), stored: await db.collection('obs').countDocuments() });
        },
      },
    );
    await core.start();
    expect(await core.consume(messages())).toBe('complete');
    // The tail record has no state after it: not yet written before finish.
    expect(await db.collection('obs').countDocuments()).toBe(40);
    await core.finish();
    expect(seen).toEqual([
      { upTo: 7, stored: 7 },
      { upTo: 37, stored: 37 },
      { upTo: 40, stored: 40 },
    ]);
    const c = core.counts()[0]!.counts;
    expect(c).toMatchObject({ read: 41, inserted: 41, updated: 0, unchanged: 0, rejected: 0 });
    expect(await db.collection('obs').countDocuments()).toBe(41);
  });
});
