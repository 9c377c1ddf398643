import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { resolveTopology, type AskServer } from '../../../src/checks/topology-probe.js';
import { readHello, readShardList, shardGroup, uriFor } from '../../../src/checks/topology.js';

/**
 * Topology detection and the per-shard fan-out, against reply documents shaped as
 * MongoDB's manual shows them (`hello` on a mongos and on a replica set member,
 * `listShards`) and as AWS documents DocumentDB's hello. No sharded cluster or
 * DocumentDB runs here: these are the only tests of those paths (README: tested against what).
 */

// hello on a mongos (manual, "hello" command: mongos instances answer msg: "isdbgrid").
const MONGOS_HELLO = { isWritablePrimary: true, msg: 'isdbgrid', maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000, localTime: new Date(), maxWireVersion: 21, minWireVersion: 0, ok: 1 };

// listShards (manual, "listShards" output: host is "<replSetName>/<host1>,<host2>…").
const LIST_SHARDS = {
  shards: [
    { _id: 'shard01', host: 'shard01/host1:27018,host2:27018,host3:27018', state: 1, topologyTime: new Date() },
    { _id: 'shard02', host: 'shard02/host4:27018,host5:27018,host6:27018', state: 1, tags: ['NYC'] },
  ],
  ok: 1,
};

// hello on a replica set member (manual, "hello" replica set fields).
const SHARD01_HELLO = { isWritablePrimary: false, secondary: true, setName: 'shard01', setVersion: 1, hosts: ['host1:27018', 'host2:27018', 'host3:27018'], primary: 'host2:27018', me: 'host1:27018', ok: 1 };
const SHARD02_HELLO = { isWritablePrimary: true, setName: 'shard02', hosts: ['host4:27018', 'host5:27018'], passives: ['host6:27018'], arbiters: ['arb:27018'], primary: 'host4:27018', ok: 1 };

// A DocumentDB cluster endpoint: a replica set "rs0" whose hosts are the instance endpoints.
const DOCDB_HELLO = {
  isWritablePrimary: true,
  setName: 'rs0',
  hosts: ['docdb-1.abc.us-east-1.docdb.amazonaws.com:27017', 'docdb-2.abc.us-east-1.docdb.amazonaws.com:27017', 'docdb-3.abc.us-east-1.docdb.amazonaws.com:27017'],
  primary: 'docdb-1.abc.us-east-1.docdb.amazonaws.com:27017',
  me: 'docdb-1.abc.us-east-1.docdb.amazonaws.com:27017',
  ok: 1,
};

const config = (mongodb: Record<string, unknown>) => parseConfig({ name: 't', mongodb: { database: 'd', ...mongodb } }, 'pipeline.yaml', {});

/** Answers by host and command, as the servers above would; anything else is refused like a real server. */
function replies(table: Record<string, Document>): AskServer {
  return async (endpoint, command) => {
    const key = `${endpoint.host} ${Object.keys(command)[0]}`;
    const reply = table[key];
    if (!reply) throw new Error(`not authorized on admin to execute command ${JSON.stringify(command)} (${key})`);
    return reply;
  };
}

describe('readHello', () => {
  it('recognises a mongos router by msg "isdbgrid"', () => {
    expect(readHello(MONGOS_HELLO).kind).toBe('sharded');
  });
  it('reads a replica set: members are hosts and passives (never arbiters), primary as named', () => {
    expect(readHello(SHARD02_HELLO)).toEqual({ kind: 'replica_set', setName: 'shard02', members: ['host4:27018', 'host5:27018', 'host6:27018'], primary: 'host4:27018' });
  });
  it('reads a server without setName as standalone (FerretDB answers so)', () => {
    expect(readHello({ isWritablePrimary: true, maxWireVersion: 21, ok: 1 }).kind).toBe('standalone');
  });
});

describe('readShardList', () => {
  it('splits each shard host into its replica set name and members', () => {
    expect(readShardList(LIST_SHARDS)).toEqual([
      { id: 'shard01', setName: 'shard01', hosts: ['host1:27018', 'host2:27018', 'host3:27018'] },
      { id: 'shard02', setName: 'shard02', hosts: ['host4:27018', 'host5:27018', 'host6:27018'] },
    ]);
  });
  it('keeps a single-server shard and skips malformed entries', () => {
    expect(readShardList({ shards: [{ _id: 's', host: 'solo:27018' }, { _id: 7, host: 'x' }, { host: 'y/z:1' }] })).toEqual([{ id: 's', setName: null, hosts: ['solo:27018'] }]);
  });
});

describe('uriFor', () => {
  it('keeps credentials and options, replaces the hosts and the topology options', () => {
    const base = 'mongodb://ops:p%40ss@router1:27017,router2:27017/admin?authSource=admin&tls=true&replicaSet=nope';
    const u = uriFor(base, ['host1:27018'], { directConnection: 'true' });
    expect(u).toBe('mongodb://ops:p%40ss@host1:27018/admin?authSource=admin&tls=true&directConnection=true');
  });
  it('turns SRV into a host list with TLS kept on', () => {
    expect(uriFor('mongodb+srv://u:p@cluster0.example.net/?retryWrites=true', ['h1:27018', 'h2:27018'], { replicaSet: 'shard01' })).toBe(
      'mongodb://u:p@h1:27018,h2:27018/?retryWrites=true&tls=true&replicaSet=shard01',
    );
  });
});

describe('shardGroup', () => {
  it('measures the shard through its replica set URI and each non-primary member directly', () => {
    const g = shardGroup('mongodb://u:secret@mongos:27017/', readShardList(LIST_SHARDS)[0]!, 'host2:27018');
    expect(g.primary).toMatchObject({ label: 'shard01/primary', role: 'primary', shard: 'shard01', host: 'host1:27018,host2:27018,host3:27018' });
    expect(g.primary.uri).toContain('replicaSet=shard01');
    expect(g.replicas.map((r) => [r.label, r.host, r.shard])).toEqual([
      ['shard01/member-1', 'host1:27018', 'shard01'],
      ['shard01/member-2', 'host3:27018', 'shard01'],
    ]);
    expect(g.replicas[0]!.uri).toContain('directConnection=true');
    // Labels and hosts go to reports and metrics: never the password.
    expect(JSON.stringify([g.primary.label, g.primary.host, ...g.replicas.map((r) => r.label + r.host)])).not.toContain('secret');
  });
});

describe('resolveTopology', () => {
  it('fans out to every shard replica set behind a mongos, keeping the configured group first', async () => {
    const t = await resolveTopology(
      config({ uri: 'mongodb://u:p@mongos:27017/' }),
      replies({
        'mongos:27017 hello': MONGOS_HELLO,
        'mongos:27017 listShards': LIST_SHARDS,
        'host1:27018,host2:27018,host3:27018 hello': SHARD01_HELLO,
        'host4:27018,host5:27018,host6:27018 hello': SHARD02_HELLO,
      }),
    );
    expect(t.kind).toBe('sharded');
    expect(t.groups.map((g) => [g.shard, g.primary.label, g.replicas.map((r) => r.host)])).toEqual([
      [null, 'primary', []],
      ['shard01', 'shard01/primary', ['host1:27018', 'host3:27018']],
      ['shard02', 'shard02/primary', ['host5:27018', 'host6:27018']],
    ]);
    expect(t.notes).toEqual([]);
  });

  it('says why the shards are not measured when listShards is refused', async () => {
    const t = await resolveTopology(config({ uri: 'mongodb://mongos:27017/' }), replies({ 'mongos:27017 hello': MONGOS_HELLO }));
    expect(t.groups).toHaveLength(1);
    expect(t.notes[0]).toMatch(/listShards was refused \(not authorized .*\).*clusterMonitor/);
  });

  it('lists a DocumentDB cluster’s instances from the cluster endpoint with discover_members', async () => {
    const t = await resolveTopology(
      config({ uri: 'mongodb://u:p@docdb.cluster-abc.us-east-1.docdb.amazonaws.com:27017/?tls=true&replicaSet=rs0', replicas: ['mongodb://u:p@docdb.cluster-ro-abc.us-east-1.docdb.amazonaws.com:27017/?tls=true'], discover_members: true }),
      replies({ 'docdb.cluster-abc.us-east-1.docdb.amazonaws.com:27017 hello': DOCDB_HELLO }),
    );
    expect(t.kind).toBe('replica_set');
    const [g] = t.groups;
    // The reader endpoint as configured, then each non-primary instance read directly.
    expect(g!.replicas.map((r) => [r.label, r.host])).toEqual([
      ['replica-1', 'docdb.cluster-ro-abc.us-east-1.docdb.amazonaws.com:27017'],
      ['member-1', 'docdb-2.abc.us-east-1.docdb.amazonaws.com:27017'],
      ['member-2', 'docdb-3.abc.us-east-1.docdb.amazonaws.com:27017'],
    ]);
    expect(g!.replicas[1]!.uri).toBe('mongodb://u:p@docdb-2.abc.us-east-1.docdb.amazonaws.com:27017/?tls=true&directConnection=true');
  });

  it('keeps the configuration as written without discover_members, and when the primary does not answer', async () => {
    const cfg = config({ uri: 'mongodb://a:1/', replicas: ['mongodb://b:2/'] });
    const asWritten = await resolveTopology(cfg, replies({ 'a:1 hello': DOCDB_HELLO }));
    expect(asWritten.groups.map((g) => [g.primary.host, g.replicas.map((r) => r.host)])).toEqual([['a:1', ['b:2']]]);
    const down = await resolveTopology(cfg, replies({}));
    expect(down.kind).toBe('unknown');
    expect(down.groups[0]!.replicas.map((r) => r.host)).toEqual(['b:2']);
  });
});
