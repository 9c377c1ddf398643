import type { MongoClient, Document } from 'mongodb';
import { errorMessage } from '../errors.js';
import { redactText } from '../common/redact.js';
import { serverMessage } from '../common/server-message.js';

/**
 * What the connected server supports, found by asking it (running the command and
 * looking at the answer), never by guessing from its name or version. Later checks ask
 * here and turn a `supported: false` into an explicit "not supported by this server".
 */

export interface Capability {
  supported: boolean;
  /** Why not, in the server's own words, or a note on a partial answer. */
  detail?: string;
}

export interface Capabilities {
  server: {
    version: string;
    flavor: string;
    maxWireVersion: number | null;
    /** What hello claims. */
    isWritablePrimary: boolean;
    /** What the probe measured: a scratch collection could be created here. */
    writable: boolean;
    setName: string | null;
  };
  replSetStatus: Capability;
  jsonSchemaValidator: Capability;
  jsonSchemaQuery: Capability;
  serverStatus: { connections: Capability; opcounters: Capability; repl: Capability };
  transactions: Capability;
  changeStreams: Capability;
  getLog: Capability;
  dbHash: Capability;
  /**
   * The server's error messages for the commands this probe sent and saw fail. Servers
   * log them (FerretDB logs every failed reply as a WARN); the report uses this list to
   * tell the probe's own noise from genuine warnings.
   */
  provokedErrors: string[];
}

export const UNSUPPORTED_BY_SERVER = 'not supported by this server';

const yes: Capability = { supported: true };
// The server's first sentence says why; the rest is usually advice about field names, and
// FerretDB's call sites and struct dumps are not reasons (src/common/server-message.ts).
const no = (e: unknown): Capability => ({ supported: false, detail: `${UNSUPPORTED_BY_SERVER}: ${serverMessage(errorMessage(e))}` });

async function attempt(fn: () => Promise<Capability | void>, provoked?: string[]): Promise<Capability> {
  try {
    return (await fn()) ?? yes;
  } catch (e) {
    provoked?.push(redactText(errorMessage(e)));
    return no(e);
  }
}

const PROBE_SCHEMA = { bsonType: 'object', required: ['n'], properties: { n: { bsonType: 'int' } } };

const SYSTEM_DBS = new Set(['admin', 'local', 'config']);

/** The first non-empty user collection on the member, for read-only probes; null when there is none. */
async function existingCollection(client: MongoClient, provoked: string[]): Promise<{ db: string; coll: string } | null> {
  const failed = (e: unknown) => {
    provoked.push(redactText(errorMessage(e)));
    return null;
  };
  const dbs = (await client.db('admin').admin().listDatabases({ nameOnly: true }).catch(failed))?.databases ?? [];
  for (const { name } of dbs) {
    if (SYSTEM_DBS.has(name) || name.startsWith('_proofline_probe')) continue;
    const colls = (await client.db(name).listCollections({}, { nameOnly: true }).toArray().catch(failed)) ?? [];
    for (const { name: coll } of colls) {
      if (coll.startsWith('system.')) continue;
      // It must hold a document: FerretDB evaluates the filter per document, so an empty
      // (or listed but not yet replicated) collection answers [] to any operator.
      const doc = await client.db(name).collection(coll).findOne({}, { projection: { _id: 1 } }).catch(failed);
      if (doc) return { db: name, coll };
    }
  }
  return null;
}

export interface ProbeOptions {
  /** Scratch database for the write probes; dropped afterwards. */
  scratchDb?: string;
}

export async function probeCapabilities(client: MongoClient, options: ProbeOptions = {}): Promise<Capabilities> {
  const admin = client.db('admin');
  const provoked: string[] = [];
  const hello = (await admin.command({ hello: 1 })) as Document;
  // Without buildInfo the flavour is only unknown; every capability below is still probed by trying it.
  const buildInfo = (await admin.command({ buildInfo: 1 }).catch(() => ({}))) as Document;
  const flavor = typeof buildInfo.ferretdbVersion === 'string' ? `FerretDB ${buildInfo.ferretdbVersion}` : 'MongoDB-compatible';
  const server = {
    version: String(buildInfo.version ?? 'unknown'),
    flavor,
    maxWireVersion: typeof hello.maxWireVersion === 'number' ? hello.maxWireVersion : null,
    isWritablePrimary: Boolean(hello.isWritablePrimary ?? hello.ismaster),
    setName: typeof hello.setName === 'string' ? hello.setName : null,
  };

  const replSetStatus = await attempt(async () => {
    await admin.command({ replSetGetStatus: 1 });
  }, provoked);

  // A refused serverStatus makes each of its sections "not supported" below, with the reason.
  const status = (await admin.command({ serverStatus: 1 }).catch(() => null)) as Document | null;
  const section = (name: string): Capability =>
    status && status[name] !== undefined && status[name] !== null
      ? yes
      : { supported: false, detail: `${UNSUPPORTED_BY_SERVER}: serverStatus has no '${name}' section` };
  const serverStatus = { connections: section('connections'), opcounters: section('opcounters'), repl: section('repl') };

  const getLog = await attempt(async () => {
    const r = (await admin.command({ getLog: 'global' })) as Document;
    if (!Array.isArray(r.log)) return { supported: false, detail: `${UNSUPPORTED_BY_SERVER}: getLog returned no log lines array` };
  }, provoked);

  let jsonSchemaValidator: Capability = yes;
  let jsonSchemaQuery: Capability = yes;
  let transactions: Capability = yes;
  let changeStreams: Capability = yes;
  let dbHash: Capability = yes;

  const db = client.db(options.scratchDb ?? '_proofline_probe');
  const name = `probe_${process.pid}_${Date.now()}`;
  // Writability is measured, not read from hello: FerretDB's gateway over a read-only
  // PostgreSQL standby answers hello with isWritablePrimary: true, yet every write fails.
  let readOnlyReason: string | null = server.isWritablePrimary ? null : 'hello reports this member is not a writable primary';
  if (readOnlyReason === null) {
    try {
      await db.createCollection(name);
    } catch (e) {
      provoked.push(redactText(errorMessage(e)));
      readOnlyReason = serverMessage(errorMessage(e));
    }
  }
  const writable = readOnlyReason === null;

  if (writable) {
    try {
      jsonSchemaValidator = await attempt(async () => {
        const validated = await db.createCollection(`${name}_v`, { validator: { $jsonSchema: PROBE_SCHEMA }, validationAction: 'error' });
        // A server that accepts the option but does not enforce it must not count as supporting it.
        try {
          await validated.insertOne({ n: 'not an int' });
        } catch {
          return yes;
        }
        return { supported: false, detail: `${UNSUPPORTED_BY_SERVER}: the validator option was accepted but a violating insert succeeded` };
      }, provoked);
      const coll = db.collection(name);
      // A refused insert leaves the collection empty, and the query probe below then says it proves nothing.
      await coll.insertOne({ n: 1 }).catch(() => undefined);
      jsonSchemaQuery = await attempt(async () => {
        await coll.find({ $jsonSchema: PROBE_SCHEMA }).limit(1).toArray();
      }, provoked);
      transactions = await attempt(async () => {
        const session = client.startSession();
        try {
          await session.withTransaction(async () => {
            await coll.insertOne({ n: 2 }, { session });
          });
        } finally {
          await session.endSession();
        }
      }, provoked);
      changeStreams = await attempt(async () => {
        const stream = coll.watch([], { maxAwaitTimeMS: 50 });
        try {
          await stream.tryNext();
        } finally {
          await stream.close();
        }
      }, provoked);
      dbHash = await attempt(async () => {
        await db.command({ dbHash: 1, collections: [name] });
      }, provoked);
    } finally {
      // Harmless if it fails: the scratch database holds only probe documents, and the next probe drops it.
      await db.dropDatabase().catch(() => undefined);
    }
  } else {
    const reason = { supported: false, detail: `not probed: this member is read-only (${readOnlyReason})` };
    jsonSchemaValidator = reason;
    transactions = reason;
    changeStreams = reason;
    // A query operator probed against a missing collection proves nothing (FerretDB
    // answers an empty result without parsing the filter): query a collection that exists.
    const target = await existingCollection(client, provoked);
    if (!target) {
      jsonSchemaQuery = { supported: false, detail: 'not probed: no collection to query on this read-only member (none holds a document)' };
      dbHash = { supported: false, detail: 'not probed: no collection to hash on this read-only member' };
    } else {
      jsonSchemaQuery = await attempt(async () => {
        await client.db(target.db).collection(target.coll).find({ $jsonSchema: PROBE_SCHEMA }).limit(1).toArray();
      }, provoked);
      dbHash = await attempt(async () => {
        await client.db(target.db).command({ dbHash: 1, collections: [target.coll] });
      }, provoked);
    }
  }

  return { server: { ...server, writable }, replSetStatus, jsonSchemaValidator, jsonSchemaQuery, serverStatus, transactions, changeStreams, getLog, dbHash, provokedErrors: [...new Set(provoked)] };
}

/**
 * Can renameCollection replace an existing collection (`dropTarget: true`) in one step?
 * That is what makes a full-refresh overwrite atomic for readers. FerretDB v1 answers
 * NotImplemented; the writer then uses its copy-and-prune swap (docs/sync.md). Probed in
 * a scratch database that is dropped afterwards; store/capability-cache.ts remembers it.
 */
export async function probeRenameDropTarget(client: MongoClient, scratchDb = '_proofline_probe_rename'): Promise<Capability> {
  const db = client.db(scratchDb);
  const a = `a_${process.pid}_${Date.now()}`;
  const b = `b_${process.pid}_${Date.now()}`;
  try {
    await db.collection(a).insertOne({ n: 1 });
    await db.collection(b).insertOne({ n: 2 });
    return await attempt(async () => {
      await client.db('admin').command({ renameCollection: `${scratchDb}.${a}`, to: `${scratchDb}.${b}`, dropTarget: true });
    });
  } finally {
    // Harmless if it fails: the scratch database holds only probe documents, and the next probe drops it.
    await db.dropDatabase().catch(() => undefined);
  }
}
