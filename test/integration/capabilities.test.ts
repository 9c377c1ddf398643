import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { probeCapabilities, type Capabilities } from '../../src/store/capabilities.js';
import { makeCollectionsVisibleOnReplica, primaryClient, replicaClient, uniqueDb } from '../helpers.js';

/** The probe asks the server; on FerretDB v1 it must report the documented gaps. */

describe('capability probe on the local stack', () => {
  let client: MongoClient;
  let caps: Capabilities;

  beforeAll(async () => {
    client = await primaryClient();
    caps = await probeCapabilities(client);
  });
  afterAll(() => client?.close());

  it('identifies the server by asking buildInfo', () => {
    expect(caps.server.version).toMatch(/^\d+\.\d+/);
    expect(caps.server.flavor).toMatch(/^FerretDB v1\.24/);
  });

  it('reports no replica-set status on FerretDB, with the server reason', () => {
    expect(caps.replSetStatus.supported).toBe(false);
    expect(caps.replSetStatus.detail).toMatch(/not supported by this server/);
  });

  it('reports $jsonSchema collection validators as unsupported (accepted or not, they are not enforced)', () => {
    expect(caps.jsonSchemaValidator.supported).toBe(false);
    expect(caps.jsonSchemaValidator.detail).toMatch(/not supported by this server/);
  });

  it('reports transactions as unsupported on FerretDB v1', () => {
    expect(caps.transactions.supported).toBe(false);
  });

  it('measures that the primary is writable', () => {
    expect(caps.server.writable).toBe(true);
    expect(caps.server.isWritablePrimary).toBe(true);
  });

  it('answers every capability with a boolean and a reason when unsupported', () => {
    const all = [caps.replSetStatus, caps.jsonSchemaValidator, caps.jsonSchemaQuery, caps.transactions, caps.changeStreams, caps.getLog, caps.dbHash, ...Object.values(caps.serverStatus)];
    for (const c of all) {
      expect(typeof c.supported).toBe('boolean');
      if (!c.supported) expect(c.detail).toBeTruthy();
    }
    console.log(JSON.stringify(caps, null, 2));
  });
});

/**
 * FerretDB's replica gateway sits on a read-only PostgreSQL standby but answers hello with
 * isWritablePrimary: true. The probe must measure writability, and never report a query
 * operator as supported because a missing collection returned nothing.
 */
describe('capability probe on the read-only replica gateway', () => {
  let primary: MongoClient;
  let replica: MongoClient;
  let onPrimary: Capabilities;
  let onReplica: Capabilities;
  const db = uniqueDb('caps_ro');

  beforeAll(async () => {
    primary = await primaryClient();
    // A user collection the read-only path can query.
    await primary.db(db).collection('readings').insertOne({ n: 1 });
    await makeCollectionsVisibleOnReplica();
    replica = await replicaClient();
    onPrimary = await probeCapabilities(primary);
    onReplica = await probeCapabilities(replica);
  });
  afterAll(async () => {
    await primary?.db(db).dropDatabase();
    await primary?.close();
    await replica?.close();
  });

  it('measures the replica as not writable, whatever hello claims', () => {
    expect(onReplica.server.writable).toBe(false);
    expect(onPrimary.server.writable).toBe(true);
  });

  it('does not report $jsonSchema queries as supported on the replica when the primary does not', () => {
    expect(onPrimary.jsonSchemaQuery.supported).toBe(false);
    expect(onReplica.jsonSchemaQuery.supported).toBe(false);
    expect(onReplica.jsonSchemaQuery.detail).toMatch(/not supported by this server|not probed/);
  });

  it('says why write-dependent capabilities were not probed, in the server words', () => {
    for (const c of [onReplica.jsonSchemaValidator, onReplica.transactions, onReplica.changeStreams]) {
      expect(c.supported).toBe(false);
      expect(c.detail).toMatch(/^not probed: this member is read-only \(.+\)$/);
    }
  });

  it('leaves the primary answers unchanged', () => {
    expect(onPrimary.jsonSchemaValidator.detail).toMatch(/not supported by this server/);
    expect(onPrimary.transactions.supported).toBe(false);
    expect(onPrimary.changeStreams.supported).toBe(false);
    expect(onPrimary.dbHash.supported).toBe(false);
    expect(onPrimary.getLog.supported).toBe(true);
  });
});
