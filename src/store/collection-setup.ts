import type { Db, IndexSpecification } from 'mongodb';
import type { Logger } from '../common/logger.js';
import { toMongoJsonSchema } from '../model/mongo-json-schema.js';
import type { JsonSchema } from '../model/schema.js';
import type { Capabilities } from './capabilities.js';

/**
 * Collection setup: the `$jsonSchema` validator generated from the target schema (only
 * where the capability probe saw the server enforce one; otherwise a log line says it was
 * skipped and why) and the indexes: the primary key (unique when the sync mode keeps one
 * document per key) and the ones the checks query by.
 */

export interface CollectionSpec {
  name: string;
  schema?: JsonSchema;
  primaryKey?: string[];
  /** Unique primary-key index: true for overwrite / append_dedup; append keeps duplicates by definition. */
  uniqueKey: boolean;
  indexes: string[][];
}

export interface SetupResult {
  validator: 'applied' | 'skipped' | 'none';
  /** Why it was skipped, in the server's words. */
  validatorDetail?: string;
  indexes: string[];
}

const indexName = (fields: string[], unique: boolean): string => `${unique ? 'pk' : 'ix'}_${fields.join('_')}`.slice(0, 120);

async function exists(db: Db, name: string): Promise<boolean> {
  return (await db.listCollections({ name }, { nameOnly: true }).toArray()).length > 0;
}

export async function prepareCollection(db: Db, spec: CollectionSpec, caps: Capabilities, logger: Logger): Promise<SetupResult> {
  let validator: SetupResult['validator'] = 'none';
  let validatorDetail: string | undefined;
  const present = await exists(db, spec.name);
  if (spec.schema && caps.jsonSchemaValidator.supported) {
    const $jsonSchema = toMongoJsonSchema(spec.schema);
    // 'moderate' leaves documents written before the schema existed updatable; new ones must comply.
    if (present) await db.command({ collMod: spec.name, validator: { $jsonSchema }, validationLevel: 'moderate', validationAction: 'error' });
    else await db.createCollection(spec.name, { validator: { $jsonSchema }, validationLevel: 'moderate', validationAction: 'error' });
    validator = 'applied';
  } else {
    if (spec.schema) {
      validator = 'skipped';
      validatorDetail = caps.jsonSchemaValidator.detail ?? 'not supported by this server';
      logger.info({ collection: spec.name, reason: validatorDetail }, `$jsonSchema validator skipped on ${spec.name}: documents are still validated by proofline before every write`);
    }
    if (!present) await db.createCollection(spec.name).catch((e: { codeName?: string }) => {
      if (e.codeName !== 'NamespaceExists') throw e;
    });
  }
  const specs: Array<{ key: IndexSpecification; name: string; unique: boolean }> = [];
  if (spec.primaryKey?.length) specs.push({ key: Object.fromEntries(spec.primaryKey.map((f) => [f, 1])), name: indexName(spec.primaryKey, spec.uniqueKey), unique: spec.uniqueKey });
  for (const fields of spec.indexes) specs.push({ key: Object.fromEntries(fields.map((f) => [f, 1])), name: indexName(fields, false), unique: false });
  const coll = db.collection(spec.name);
  for (const s of specs) await coll.createIndex(s.key, { name: s.name, unique: s.unique });
  return { validator, ...(validatorDetail ? { validatorDetail } : {}), indexes: specs.map((s) => s.name) };
}

/**
 * Create proofline's own collections up front (runs, state, replication markers). On a
 * gateway that caches collection metadata at start (FerretDB v1 on the replica side), a
 * collection created later stays invisible there until the gateway restarts; creating
 * them with the first sync lets one restart after it cover everything.
 */
export async function ensureCollections(db: Db, names: string[]): Promise<void> {
  for (const name of names) {
    if (await exists(db, name)) continue;
    await db.createCollection(name).catch((e: { codeName?: string }) => {
      if (e.codeName !== 'NamespaceExists') throw e;
    });
  }
}
