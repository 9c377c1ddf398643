import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MongoClient } from 'mongodb';
import { probeCapabilities, type Capabilities } from '../../src/store/capabilities.js';
import { primaryClient } from '../helpers.js';

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

  it('answers every capability with a boolean and a reason when unsupported', () => {
    const all = [caps.replSetStatus, caps.jsonSchemaValidator, caps.jsonSchemaQuery, caps.transactions, caps.changeStreams, caps.getLog, caps.dbHash, ...Object.values(caps.serverStatus)];
    for (const c of all) {
      expect(typeof c.supported).toBe('boolean');
      if (!c.supported) expect(c.detail).toBeTruthy();
    }
    console.log(JSON.stringify(caps, null, 2));
  });
});
