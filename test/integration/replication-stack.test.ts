import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { setReplicationPaused, startReplica, stopReplica } from '../../src/stack/stack.js';
import { connect } from '../../src/store/connection.js';
import { ProoflineError } from '../../src/errors.js';
import { makeCollectionsVisibleOnReplica, pollUntil, primaryClient, replicaClient, sleep, stackUris, uniqueDb } from '../helpers.js';

/** The local stack really replicates: writes reach the replica, and faults really stop them. */

describe('local replicated stack', () => {
  const dbName = uniqueDb('repl');
  let primary: MongoClient;
  let replica: MongoClient;

  beforeAll(async () => {
    primary = await primaryClient();
    await primary.db(dbName).createCollection('docs');
    await makeCollectionsVisibleOnReplica();
    replica = await replicaClient();
  });

  afterAll(async () => {
    await setReplicationPaused(false).catch(() => undefined);
    await primary?.db(dbName).dropDatabase();
    await primary?.close();
    await replica?.close();
  });

  it('makes a document written on the primary readable on the replica', async () => {
    const _id = `w-${Date.now()}`;
    await primary.db(dbName).collection<{ _id: string; v: number }>('docs').insertOne({ _id, v: 1 });
    const { value, elapsedMs } = await pollUntil(() => replica.db(dbName).collection<{ _id: string; v: number }>('docs').findOne({ _id }), 10_000);
    // The delay is printed for a person; it is measured in bench/, not asserted here.
    console.log(`replication delay primary -> replica: ${elapsedMs.toFixed(1)} ms`);
    expect(value?.v).toBe(1);
  });

  it('keeps the old value on the replica while replication is paused, and converges after resume', async () => {
    const coll = primary.db(dbName).collection<{ _id: string; v: number }>('docs');
    const rcoll = replica.db(dbName).collection<{ _id: string; v: number }>('docs');
    const _id = `p-${Date.now()}`;
    await coll.insertOne({ _id, v: 1 });
    expect((await pollUntil(() => rcoll.findOne({ _id, v: 1 }), 10_000)).value).toBeTruthy();

    await setReplicationPaused(true);
    await coll.updateOne({ _id }, { $set: { v: 2 } });
    expect((await coll.findOne({ _id }))?.v).toBe(2);
    // Staleness under pause: well past the normal delay, the replica still has v = 1.
    await sleep(1_500);
    expect((await rcoll.findOne({ _id }))?.v).toBe(1);

    await setReplicationPaused(false);
    const { value, elapsedMs } = await pollUntil(() => rcoll.findOne({ _id, v: 2 }), 15_000);
    console.log(`convergence after resume: ${elapsedMs.toFixed(1)} ms`);
    expect(value?.v).toBe(2);
  });

  it('gives a clear error when the replica is stopped, and recovers when it starts again', async () => {
    await stopReplica();
    try {
      const error = await connect(stackUris().replicas[0]!, { timeoutMs: 2_000 }).then(
        (c) => {
          void c.close();
          return null;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ProoflineError);
      expect((error as ProoflineError).code).toBe('CONNECTION_REFUSED');
      expect((error as ProoflineError).message).toMatch(/connection refused by 127\.0\.0\.1:\d+/);
    } finally {
      await startReplica();
    }
    const again = await replicaClient();
    expect((await again.db('admin').command({ ping: 1 })).ok).toBe(1);
    await again.close();
  });
});
