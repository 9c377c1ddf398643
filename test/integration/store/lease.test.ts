import { describe, expect, it } from 'vitest';
import { currentOwner, LEASES_COLLECTION, tryAcquireLease, type LeaseDoc } from '../../../src/store/lease.js';
import { scratchDatabases, uniqueDb } from '../../helpers.js';

/**
 * The lease on the real server (FerretDB here): many acquisitions racing for one key,
 * expiry, release and a lost lease. Only the insert of a generation is relied on to be
 * atomic, which is what makes this hold on FerretDB v1.
 */

const scratch = scratchDatabases();

function db(): ReturnType<typeof scratch.client.db> {
  const name = uniqueDb('lease');
  scratch.dbs.push(name);
  return scratch.client.db(name);
}

describe('lease', () => {
  it('of 8 acquisitions racing for one stream, exactly one wins, and every loser names the winner', async () => {
    const d = db();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => tryAcquireLease(d, 'p/s', { ...currentOwner(`run-${i}`) }, 30_000)));
    const winners = results.filter((r) => r.acquired);
    expect(winners).toHaveLength(1);
    const winnerRun = winners[0]!.acquired ? winners[0]!.lease.doc.owner.runId : '';
    for (const r of results) if (!r.acquired) expect(r.holder.owner.runId).toBe(winnerRun);
    expect(await d.collection<LeaseDoc>(LEASES_COLLECTION).countDocuments({ key: 'p/s' })).toBe(1);
  });

  it('keeps a live lease, hands over a released one, and takes over an expired one', async () => {
    const d = db();
    const t0 = new Date('2026-01-01T00:00:00Z');
    const a = await tryAcquireLease(d, 'p/s', currentOwner('a'), 1_000, t0);
    expect(a.acquired).toBe(true);
    const blocked = await tryAcquireLease(d, 'p/s', currentOwner('b'), 1_000, new Date(t0.getTime() + 999));
    expect(blocked.acquired).toBe(false);
    // Another stream of the same pipeline is independent.
    expect((await tryAcquireLease(d, 'p/other', currentOwner('b'), 1_000, t0)).acquired).toBe(true);
    // a's owner crashed: no heartbeat, the lease expires and b takes over.
    const b = await tryAcquireLease(d, 'p/s', currentOwner('b'), 1_000, new Date(t0.getTime() + 1_001));
    expect(b.acquired).toBe(true);
    if (!b.acquired || !a.acquired) return;
    expect(b.lease.doc.generation).toBe(2);
    expect(b.lease.doc.tookOverFrom?.runId).toBe('a');
    // a comes back: its renewal finds its lease gone.
    expect(await a.lease.renew()).toBe(false);
    await b.lease.release();
    const c = await tryAcquireLease(d, 'p/s', currentOwner('c'), 1_000, new Date(t0.getTime() + 1_002));
    expect(c.acquired).toBe(true);
    if (c.acquired) expect(c.lease.doc.tookOverFrom).toBeUndefined();
    const docs = await d.collection<LeaseDoc>(LEASES_COLLECTION).find({ key: 'p/s' }).toArray();
    expect(docs.map((x) => [x.generation, x.owner.runId])).toEqual([[3, 'c']]);
  });
});

describe('lease of a dead owner on this host', () => {
  it('is taken over at once, before its expiry', async () => {
    const d = db();
    const { spawnSync } = await import('node:child_process');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(dead.stdout.toString());
    const a = await tryAcquireLease(d, 'p/s', { ...currentOwner('a'), pid: deadPid }, 60_000);
    expect(a.acquired).toBe(true);
    const b = await tryAcquireLease(d, 'p/s', currentOwner('b'), 60_000);
    expect(b.acquired).toBe(true);
    if (b.acquired) expect(b.lease.doc.tookOverFrom).toMatchObject({ pid: deadPid, runId: 'a' });
  });
});
