import type { Db, Document } from 'mongodb';
import { rejectsCollection, type RecordLocation } from './rejects.js';

/** Invalid documents and quarantined records shown per rule and field, in the report, its JSON twin and the dashboard. */
export const SAMPLES_PER_RULE = 5;

/**
 * Evidence collection (reads the database; rendering is elsewhere): the newest records the
 * sync quarantined per collection, grouped by rule and field, up to N samples per group.
 */

export interface QuarantineSample {
  id: string;
  stream: string;
  location: RecordLocation;
  value: unknown;
  message: string;
}

export interface QuarantineReport {
  collection: string;
  rejectsCollection: string;
  total: number;
  groups: { rule: string; field: string; count: number; samples: QuarantineSample[] }[];
}

// Enough recent rejects to fill the groups without reading a large quarantine whole.
const SCAN_LIMIT = 500;

export async function collectQuarantine(db: Db, collections: string[]): Promise<QuarantineReport[]> {
  const out: QuarantineReport[] = [];
  for (const collection of collections) {
    const name = rejectsCollection(collection);
    const coll = db.collection(name);
    const total = await coll.countDocuments({});
    if (!total) continue;
    const groups = new Map<string, QuarantineReport['groups'][number]>();
    const cursor = coll.find({}, { projection: { stream: 1, location: 1, failures: 1 } }).sort({ last_seen_at: -1 }).limit(SCAN_LIMIT);
    for await (const doc of cursor as AsyncIterable<Document>) {
      for (const f of (doc.failures ?? []) as { field: string; rule: string; value: unknown; message: string }[]) {
        const key = `${f.rule}|${f.field}`;
        const g = groups.get(key) ?? { rule: f.rule, field: f.field, count: 0, samples: [] };
        g.count++;
        if (g.samples.length < SAMPLES_PER_RULE) g.samples.push({ id: String(doc._id), stream: String(doc.stream ?? ''), location: (doc.location ?? {}) as RecordLocation, value: f.value, message: f.message });
        groups.set(key, g);
      }
    }
    out.push({ collection, rejectsCollection: name, total, groups: [...groups.values()].sort((a, b) => b.count - a.count) });
  }
  return out;
}
