import { createHash } from 'node:crypto';
import { BSON, type MongoClient } from 'mongodb';

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
