import { pgQuery } from './postgres.js';

/**
 * FerretDB v1.24 turns an `_id` equality filter into `(_jsonb -> '_id') @> '"…"'::jsonb`
 * (containment). The btree index it creates on `(_jsonb -> '_id')` serves `=`, not `@>`, so
 * without help every keyed lookup is a sequential scan of the whole collection, and the
 * cost of append_dedup grows with history (docs/performance.md). The local stack is ours to
 * tune: an event trigger gives every table FerretDB creates a GIN `jsonb_path_ops` index on
 * `(_jsonb -> '_id')`, which serves exactly that containment. User data never goes through
 * SQL; this only shapes the storage under the gateway.
 *
 * `fastupdate = off`: by default a GIN index parks new entries in a pending list that every
 * lookup scans linearly until a vacuum merges it, so lookups slowed down as a bulk load grew
 * (1.2 ms at 10k rows, 3.5 ms at 100k). Written straight into the tree, a lookup stays flat
 * (0.9 ms at both), and inserts cost the same on this stack (docs/performance.md).
 */

const FUNCTION = 'proofline_index_id';

/** Index name from the table's oid: unique in the schema and always under 63 bytes. */
const INDEX_SQL = (table: string, oid: string): string =>
  `format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin ((_jsonb -> ''_id'') jsonb_path_ops) WITH (fastupdate = off)', 'proofline_id_' || ${oid}, ${table})`;

// Only FerretDB's collection tables carry a `_jsonb` column; its metadata tables do not.
const HAS_JSONB = (oid: string): string =>
  `EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = ${oid} AND attname = '_jsonb' AND NOT attisdropped)`;

export const ID_INDEX_SETUP_SQL = `
CREATE OR REPLACE FUNCTION ${FUNCTION}() RETURNS event_trigger LANGUAGE plpgsql AS $fn$
DECLARE r record;
BEGIN
  FOR r IN SELECT objid, object_identity FROM pg_event_trigger_ddl_commands()
           WHERE command_tag = 'CREATE TABLE' AND object_type = 'table' LOOP
    IF ${HAS_JSONB('r.objid')} THEN
      EXECUTE ${INDEX_SQL('r.object_identity', 'r.objid')};
    END IF;
  END LOOP;
END
$fn$;

DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = '${FUNCTION}') THEN
    CREATE EVENT TRIGGER ${FUNCTION} ON ddl_command_end WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION ${FUNCTION}();
  END IF;
END
$do$;

-- Tables created before the trigger existed (a stack from an older proofline), and indexes
-- an older proofline made with a pending list: switched off and merged once.
DO $do$
DECLARE t record;
BEGIN
  FOR t IN SELECT c.oid::regclass::text AS ident FROM pg_class c
           WHERE c.relkind = 'i' AND c.relname LIKE 'proofline\\_id\\_%'
             AND NOT coalesce(c.reloptions @> ARRAY['fastupdate=off'], false) LOOP
    EXECUTE format('ALTER INDEX %s SET (fastupdate = off)', t.ident);
    PERFORM gin_clean_pending_list(t.ident::regclass);
  END LOOP;
  FOR t IN SELECT c.oid, c.oid::regclass::text AS ident FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') LOOP
    IF ${HAS_JSONB('t.oid')} THEN
      EXECUTE ${INDEX_SQL('t.ident', 't.oid')};
    END IF;
  END LOOP;
END
$do$;
`;

/** Install the trigger in FerretDB's database on the primary (the standby replays it). Idempotent. */
export async function ensureIdIndexTrigger(port: number, database: string): Promise<void> {
  await pgQuery(port, ID_INDEX_SETUP_SQL, database);
}
