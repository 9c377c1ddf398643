import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BSON, type MongoClient } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { parseDuration } from '../common/duration.js';
import type { ResultBuilder } from './builder.js';
import { describeEndpoint } from './endpoints.js';
import { visibleOn, type Member } from './replication-members.js';
import { CheckStatus } from './result.js';

/**
 * Content comparison across members: count and SHA-256 over the canonical Extended JSON of
 * the documents in a time window, sorted by _id. Computed client-side so it works on any
 * server (dbHash is missing on FerretDB and covers whole collections only).
 */

export interface Fingerprint {
  count: number;
  sha256: string;
}

export async function fingerprint(client: MongoClient, db: string, collection: string, timeField: string, from: Date, to: Date): Promise<Fingerprint> {
  const hash = createHash('sha256');
  let count = 0;
  const cursor = client
    .db(db)
    .collection(collection)
    .find({ [timeField]: { $gte: from, $lt: to } })
    .sort({ _id: 1 })
    .batchSize(1000);
  for await (const doc of cursor) {
    hash.update(BSON.EJSON.stringify(doc, { relaxed: false }));
    hash.update('\n');
    count++;
  }
  return { count, sha256: hash.digest('hex') };
}

/** Each replica's fingerprint of the window against the primary's; a difference that outlasts the marker timeout is divergence. */
export async function divergence(b: ResultBuilder, primary: MongoClient, replicas: Member[], config: PipelineConfig): Promise<void> {
  const cfg = config.checks.replication;
  const div = cfg.divergence;
  if (!div) return;
  const dbName = config.mongodb.database;
  const to = new Date();
  const from = new Date(to.getTime() - parseDuration(div.window));
  const members = await visibleOn(b, replicas, dbName, div.collection, 'divergence');
  const reference = await fingerprint(primary, dbName, div.collection, div.time_field, from, to);
  const fingerprints: Record<string, unknown> = { primary: reference };
  b.evidence.divergence = { collection: div.collection, time_field: div.time_field, from: from.toISOString(), to: to.toISOString(), fingerprints };
  b.measure('divergence_count', reference.count, { labels: { endpoint: 'primary' } });
  for (const r of members) {
    // Writes in flight are not divergence: give the replica the marker timeout to converge.
    let fp = await fingerprint(r.client, dbName, div.collection, div.time_field, from, to);
    const start = performance.now();
    while ((fp.count !== reference.count || fp.sha256 !== reference.sha256) && performance.now() - start < cfg.timeout_ms) {
      await sleep(250);
      fp = await fingerprint(r.client, dbName, div.collection, div.time_field, from, to);
    }
    fingerprints[r.endpoint.label] = fp;
    const labels = { endpoint: r.endpoint.label, host: r.endpoint.host };
    b.measure('divergence_count', fp.count, { labels });
    const key = b.measure('divergent', fp.count === reference.count && fp.sha256 === reference.sha256 ? 0 : 1, { labels });
    b.thresholds.push({ metric: key, op: '==', value: 0 });
    if (b.measurements[key]!.value === 1) {
      b.finding(
        CheckStatus.FAIL,
        `${describeEndpoint(r.endpoint)} diverges from the primary on ${div.collection} (${div.time_field} in the last ${div.window}): ${fp.count} vs ${reference.count} documents, ${fp.sha256 === reference.sha256 ? 'same' : 'different'} content hash`,
        labels,
      );
    }
  }
}
