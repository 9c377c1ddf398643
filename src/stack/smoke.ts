import { withClient } from '../store/connection.js';
import { sleep } from './processes.js';

/**
 * The smoke proof of a fresh stack: write a marker on the primary and time how long each
 * replica takes to return it.
 */

export interface ReplicationDelay {
  replicaUri: string;
  delayMs: number;
}

const SMOKE_DB = '_proofline_smoke';
const SMOKE_COLLECTION = 'markers';

export async function ensureSmokeCollection(primaryUri: string): Promise<void> {
  await withClient(primaryUri, async (client) => {
    const db = client.db(SMOKE_DB);
    const exists = await db.listCollections({ name: SMOKE_COLLECTION }).hasNext();
    if (!exists) await db.createCollection(SMOKE_COLLECTION);
  });
}

export async function measureReplicationDelay(primaryUri: string, replicaUris: string[], timeoutMs = 30_000): Promise<ReplicationDelay[]> {
  const marker = { _id: `smoke-${process.pid}-${Date.now()}`, at: new Date() };
  return withClient(primaryUri, async (primary) => {
    const coll = primary.db(SMOKE_DB).collection<{ _id: string; at: Date }>(SMOKE_COLLECTION);
    await coll.insertOne(marker);
    const written = performance.now();
    try {
      return await Promise.all(
        replicaUris.map((uri) =>
          withClient(uri, async (replica) => {
            const rc = replica.db(SMOKE_DB).collection<{ _id: string }>(SMOKE_COLLECTION);
            while (performance.now() - written < timeoutMs) {
              // A failed read is "not there yet"; the timeout reports what never arrives.
              if (await rc.findOne({ _id: marker._id }).catch(() => null)) return { replicaUri: uri, delayMs: performance.now() - written };
              await sleep(5);
            }
            throw new Error(`replica ${uri} did not see the marker within ${timeoutMs} ms`);
          }),
        ),
      );
    } finally {
      await coll.deleteOne({ _id: marker._id });
    }
  });
}
