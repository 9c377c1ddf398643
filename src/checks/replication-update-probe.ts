import type { MongoClient } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import type { CheckContext } from './check-session.js';
import type { ResultBuilder } from './builder.js';
import { describeEndpoint } from './endpoints.js';
import { pollVisible, visibleOn, writeConcernOf, type Member } from './replication-members.js';
import { CheckStatus } from './result.js';

/**
 * The update probe: a real document of the configured collection is updated on the
 * primary and read back on every replica, then restored.
 */

export async function updateProbe(b: ResultBuilder, primary: MongoClient, replicas: Member[], config: PipelineConfig, ctx: CheckContext): Promise<void> {
  const cfg = config.checks.replication;
  const probe = cfg.update_probe;
  if (!probe) return;
  const dbName = config.mongodb.database;
  const coll = primary.db(dbName).collection(probe.collection);
  const doc = await coll.findOne(probe.filter ?? {}, { projection: { _id: 1 } });
  if (!doc) {
    b.finding(CheckStatus.WARN, `update probe: no document of ${probe.collection} matches ${JSON.stringify(probe.filter ?? {})}`);
    return;
  }
  const members = await visibleOn(b, replicas, dbName, probe.collection, 'update probe');
  const token = `probe-${Date.now().toString(36)}`;
  const read = (c: MongoClient) => c.db(dbName).collection(probe.collection).findOne({ _id: doc._id }, { projection: { _proofline_probe: 1 } });
  const evidence: Record<string, unknown> = { collection: probe.collection, _id: String(doc._id), token, members: {} };
  const perMember = evidence.members as Record<string, unknown>;
  for (const m of [{ label: 'primary', client: primary }, ...members.map((r) => ({ label: r.endpoint.label, client: r.client }))]) {
    perMember[m.label] = { before: ((await read(m.client)) as { _proofline_probe?: unknown } | null)?._proofline_probe ?? null };
  }
  await coll.updateOne({ _id: doc._id }, { $set: { _proofline_probe: token } }, { writeConcern: writeConcernOf(config) });
  try {
    (perMember.primary as Record<string, unknown>).after = ((await read(primary)) as { _proofline_probe?: unknown } | null)?._proofline_probe ?? null;
    await Promise.all(
      members.map(async (r) => {
        const ms = await pollVisible(async () => (await read(r.client))?._proofline_probe === token, cfg.timeout_ms, cfg.poll_interval_ms, ctx.signal);
        Object.assign(perMember[r.endpoint.label] as object, { after: ms === null ? 'not visible' : token, visible_after_ms: ms });
        const key = b.measure('update_visible_ms', ms, { unit: 'ms', labels: { endpoint: r.endpoint.label, host: r.endpoint.host } });
        if (ms === null) b.finding(CheckStatus.FAIL, `${describeEndpoint(r.endpoint)}: the update of ${probe.collection} ${String(doc._id)} is not visible after ${cfg.timeout_ms} ms`, { endpoint: r.endpoint.label });
        else b.thresholds.push({ metric: key, op: '<=', value: cfg.timeout_ms });
      }),
    );
  } finally {
    // Restore the real document: the probe field goes away, whatever happened above.
    await coll.updateOne({ _id: doc._id }, { $unset: { _proofline_probe: '' } }).catch(() => undefined);
    evidence.restored = true;
  }
  b.evidence.update_probe = evidence;
}
