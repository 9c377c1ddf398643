import type { Collection, Document } from 'mongodb';

/**
 * How the stored versions of a batch's `_id`s are read, chosen by asking the server
 * (docs/performance.md):
 * - `in`: one `find({_id: {$in: ids}})`. MongoDB and DocumentDB answer it from the `_id`
 *   index.
 * - `equality`: one `find({_id: id})` per key, a bounded number in flight. FerretDB v1
 *   does not push `$in` down to PostgreSQL (its explain says `filterPushdown: false`): it
 *   reads the whole collection and filters in Go, so `$in` costs O(history). An `_id`
 *   equality is pushed down as `(_jsonb -> '_id') @> …`, which the local stack serves from
 *   a GIN index (src/stack/id-index.ts).
 */
export type LookupStrategy = 'in' | 'equality';

/** Equality lookups in flight at once: enough to hide round trips, few enough to leave the pool to writers. */
export const EQUALITY_CONCURRENCY = 16;

/**
 * Ask the server to explain an `$in` on `_id`. Only FerretDB answers with
 * `filterPushdown`; `false` there means the filter runs outside the database. Any other
 * answer (MongoDB's own explain format, or explain refused) keeps `$in`, which is what
 * every server that indexes `_id` serves best.
 */
export async function probeLookupStrategy(coll: Collection): Promise<LookupStrategy> {
  try {
    const plan = (await coll.db.command({
      explain: { find: coll.collectionName, filter: { _id: { $in: ['a', 'b'] } } },
      verbosity: 'queryPlanner',
    })) as Document;
    return plan.filterPushdown === false ? 'equality' : 'in';
  } catch {
    return 'in';
  }
}

const strategies = new WeakMap<Collection, Promise<LookupStrategy>>();

/** One probe per collection handle; the answer depends on the server, not on the data. */
export function lookupStrategyOf(coll: Collection): Promise<LookupStrategy> {
  let s = strategies.get(coll);
  if (!s) {
    s = probeLookupStrategy(coll);
    strategies.set(coll, s);
  }
  return s;
}

/** The stored documents (with `projection` only) among `ids`, by `_id`. */
export async function findStoredByIds(coll: Collection, ids: string[], projection: Document, strategy?: LookupStrategy): Promise<Map<string, Document>> {
  const stored = new Map<string, Document>();
  if (!ids.length) return stored;
  const how = strategy ?? (await lookupStrategyOf(coll));
  if (how === 'in') {
    for (const d of await coll.find({ _id: { $in: ids } } as Document, { projection }).toArray()) stored.set(String(d._id), d);
    return stored;
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const d = await coll.findOne({ _id: id } as Document, { projection });
      if (d) stored.set(String(d._id), d);
    }
  };
  await Promise.all(Array.from({ length: Math.min(EQUALITY_CONCURRENCY, ids.length) }, worker));
  return stored;
}
