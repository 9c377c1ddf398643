import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { runCheck } from '../../../src/checks/run.js';
import { setReplicationPaused, startReplica, stopReplica } from '../../../src/stack/stack.js';
import { makeCollectionsVisibleOnReplica, primaryClient, uniqueDb } from '../../helpers.js';
import { config } from './cases/config.js';

/**
 * The replication check against real faults on the private stack: replay paused on the
 * standby, the replica stopped, a collection the replica gateway does not know.
 */

describe('replication check under fault injection', () => {
  const db = uniqueDb('repl');
  let client: MongoClient;

  beforeAll(async () => {
    client = await primaryClient();
    await client.db(db).createCollection('_proofline_markers');
    const now = Date.now();
    await client
      .db(db)
      .collection('obs')
      .insertMany(Array.from({ length: 20 }, (_, i) => ({ id_station: 'A', dh_utc: new Date(now - i * 60_000), temperature_c: i })));
    await makeCollectionsVisibleOnReplica();
  });

  afterAll(async () => {
    await setReplicationPaused(false).catch(() => undefined);
    await startReplica().catch(() => undefined);
    await client?.db(db).dropDatabase();
    await client?.close();
  });

  const checks = (extra: Record<string, unknown> = {}) => ({
    replication: {
      samples: 5,
      timeout_ms: 1500,
      max_lag_p95_ms: 1000,
      update_probe: { collection: 'obs', filter: { temperature_c: 3 } },
      divergence: { collection: 'obs', time_field: 'dh_utc', window: '1d' },
      ...extra,
    },
  });

  it('passes on a healthy stack with lag samples, server lag, the update probe and equal fingerprints', async () => {
    const r = await runCheck('replication', config(db, checks()));
    expect(r.status, JSON.stringify(r.findings)).toBe('pass');
    const lag = r.evidence.lag_samples_ms as Record<string, (number | null)[]>;
    expect(lag['replica-1']).toHaveLength(5);
    expect(lag['replica-1']!.every((v) => typeof v === 'number')).toBe(true);
    expect(r.measurements['lag_timeouts[replica-1]']!.value).toBe(0);
    expect((r.evidence.server_lag as { source: string }).source).toBe('pg_stat_replication');
    const probe = r.evidence.update_probe as { members: Record<string, { before: unknown; after: unknown }>; restored: boolean };
    expect(probe.members.primary).toMatchObject({ before: null });
    expect(probe.members['replica-1']!.after).toMatch(/^probe-/);
    expect(await client.db(db).collection('obs').countDocuments({ _proofline_probe: { $exists: true } })).toBe(0);
    expect(r.measurements['divergent[replica-1]']!.value).toBe(0);
    expect(r.measurements['divergence_count[replica-1]']!.value).toBe(20);
    // Markers of the run are cleaned up.
    expect(await client.db(db).collection('_proofline_markers').countDocuments()).toBe(0);
  });

  it('fails within its timeout while replay is paused, naming the stale replica and how stale, then passes after resume', async () => {
    await setReplicationPaused(true);
    try {
      await client.db(db).collection('obs').insertOne({ id_station: 'A', dh_utc: new Date(), temperature_c: 99 });
      const r = await runCheck('replication', config(db, checks({ update_probe: undefined })));
      expect(r.status).toBe('fail');
      // One timeout is enough to call it stale: the check does not wait N × timeout.
      expect((r.evidence.lag_samples_ms as Record<string, unknown[]>)['replica-1']).toEqual([null]);
      const stale = r.findings.find((f) => /is stale by/.test(f.message))!;
      expect(stale.message).toMatch(/^replica-1 \(127\.0\.0\.1:\d+\) is stale by at least \d\.\d\d s: a marker written on the primary .* ago is still not visible \(timeout 1500 ms\); server-reported \(pg_stat_replication\)/);
      expect(r.measurements['stale_ms[replica-1]']!.value).toBeGreaterThanOrEqual(1500);
      expect(r.measurements['server_lag_bytes[walreceiver]']!.value).toBeGreaterThan(0);
      expect(r.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/replica-1 .* diverges from the primary on obs .*: 20 vs 21 documents, different content hash/));
    } finally {
      await setReplicationPaused(false);
    }
    const after = await runCheck('replication', config(db, checks({ timeout_ms: 5000 })));
    expect(after.status, JSON.stringify(after.findings)).toBe('pass');
    expect(after.measurements['divergence_count[replica-1]']!.value).toBe(21);
  });

  it('reports a stopped replica as unreachable, without crashing or hanging', async () => {
    await stopReplica();
    try {
      const r = await runCheck('replication', config(db, checks()));
      expect(r.status).toBe('fail');
      expect(r.measurements['replica_up[replica-1]']!.value).toBe(0);
      expect(r.findings[0]!.message).toMatch(/^replica-1 \(127\.0\.0\.1:\d+\) unreachable \[CONNECTION_REFUSED\]: connection refused/);
      const avail = await runCheck('availability', config(db, { availability: { ping_samples: 2, op_samples: 1 } }));
      expect(avail.status).toBe('fail');
      expect(avail.measurements['endpoint_up[primary]']!.value).toBe(1);
      expect(avail.measurements['endpoint_up[replica-1]']!.value).toBe(0);
    } finally {
      await startReplica();
    }
  });

  it('says the replica gateway must be restarted when it does not know the marker collection', async () => {
    const r = await runCheck('replication', config(db, checks({ marker_collection: 'markers_created_late', update_probe: undefined, divergence: undefined })));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/does not know collection .*markers_created_late .*proofline stack restart-replica-gateway/);
  });
});
