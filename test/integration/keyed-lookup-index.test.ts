import { describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Document } from 'mongodb';
import { findStoredByIds, probeLookupStrategy } from '../../src/store/keyed-lookup.js';
import { scratchDatabases, stackUris, uniqueDb } from '../helpers.js';

/**
 * The local stack's PostgreSQL gives every FerretDB table a GIN index serving
 * FerretDB's `_id` containment filter, so a keyed lookup is an index scan whatever the
 * history size; and the writer picks equality lookups because FerretDB does not push
 * `$in` down.
 */

const ROWS = 2_000;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
const nodes = (p: PlanNode): PlanNode[] => [p, ...(p.Plans ?? []).flatMap(nodes)];

describe('keyed lookups on the local stack', () => {
  const scratch = scratchDatabases();

  async function seeded(): Promise<{ db: string; coll: string }> {
    const db = uniqueDb('idx');
    scratch.dbs.push(db);
    const docs: Document[] = Array.from({ length: ROWS }, (_, i) => ({ _id: `k${i}`, n: i, _proofline: { content_hash: `h${i}` } }));
    await scratch.client.db(db).collection('obs').insertMany(docs);
    return { db, coll: 'obs' };
  }

  it('serves the filter FerretDB sends for an _id equality from an index (EXPLAIN on the primary)', async () => {
    const { db, coll } = await seeded();
    // What FerretDB itself plans for find({_id}), through the wire protocol.
    const wire = (await scratch.client.db(db).command({ explain: { find: coll, filter: { _id: 'k17' } }, verbosity: 'queryPlanner' })) as Document;
    expect(wire.filterPushdown).toBe(true);
    const table = String((wire.queryPlanner as { Plan: { 'Relation Name': string } }).Plan['Relation Name']);

    const client = new pg.Client({ connectionString: stackUris().postgresPrimary });
    await client.connect();
    try {
      const indexes = await client.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [db, table]);
      expect(indexes.rows.map((r) => r.indexdef).join('\n')).toMatch(/USING gin \(\(\(_jsonb -> '_id'::text\)\) jsonb_path_ops\) WITH \(fastupdate=off\)/);
      await client.query(`ANALYZE "${db}"."${table}"`);
      const sql = `EXPLAIN (FORMAT JSON) SELECT _jsonb FROM "${db}"."${table}" WHERE (_jsonb -> '_id') @> '"k17"'::jsonb`;
      const plan = (await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(sql)).rows[0]!['QUERY PLAN'][0].Plan;
      const types = nodes(plan).map((n) => n['Node Type']);
      expect(types).not.toContain('Seq Scan');
      expect(types.some((t) => /Index Scan/.test(t))).toBe(true);
      expect(nodes(plan).some((n) => n['Index Name']?.startsWith('proofline_id_'))).toBe(true);
    } finally {
      await client.end();
    }
  });

  it('chooses equality lookups on FerretDB, which does not push $in down, and finds the same documents as $in', async () => {
    const { db, coll } = await seeded();
    const c = scratch.client.db(db).collection(coll);
    expect(await probeLookupStrategy(c)).toBe('equality');
    const ids = ['k0', 'k5', 'k1999', 'missing-1', 'k42', 'missing-2'];
    const projection = { '_proofline.content_hash': 1 };
    const byEquality = await findStoredByIds(c, ids, projection, 'equality');
    const byIn = await findStoredByIds(c, ids, projection, 'in');
    expect([...byEquality.keys()].sort()).toEqual(['k0', 'k1999', 'k42', 'k5']);
    expect(byEquality).toEqual(byIn);
    expect(byEquality.get('k42')).toEqual({ _id: 'k42', _proofline: { content_hash: 'h42' } });
  });
});
