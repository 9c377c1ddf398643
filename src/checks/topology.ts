import { createRequire } from 'node:module';
import type { Document } from 'mongodb';
import { uriHosts } from '../common/redact.js';
import type { Endpoint } from './endpoints.js';

/**
 * What kind of deployment the configured URI reaches, read from the server's own
 * answers (`hello`, and `listShards` on a router), and the replica sets the checks fan
 * out to. Pure: the replies come in, the endpoint groups come out, so the rules are
 * tested against the reply documents of MongoDB's and AWS's documentation without a
 * cluster (none runs here).
 */

export type TopologyKind = 'standalone' | 'replica_set' | 'sharded';

export interface HelloShape {
  kind: TopologyKind;
  setName: string | null;
  /** Members that carry data (hosts + passives), as host:port. */
  members: string[];
  /** The member that says it is primary, when hello names one. */
  primary: string | null;
}

export interface Shard {
  id: string;
  /** Replica set name of the shard; null for a single-server shard. */
  setName: string | null;
  hosts: string[];
}

/** A replica set the availability and replication checks measure on its own: the configured one, or one shard. */
export interface EndpointGroup {
  /** null for the configured deployment, the shard id otherwise. */
  shard: string | null;
  primary: Endpoint;
  replicas: Endpoint[];
}

// The driver's own URI parser (the package the driver parses with). Its ESM entry ships no
// type declarations, so it is loaded through require with the few members used here.
interface ConnectionStringLike {
  readonly isSRV: boolean;
  hosts: string[];
  readonly searchParams: URLSearchParams;
  toString(): string;
}
const { ConnectionString } = createRequire(import.meta.url)('mongodb-connection-string-url') as {
  ConnectionString: new (uri: string, options?: { looseValidation?: boolean }) => ConnectionStringLike;
};

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/** `hello` → kind: a router answers `msg: "isdbgrid"`, a replica set member names its set. */
export function readHello(hello: Document): HelloShape {
  if (hello.msg === 'isdbgrid') return { kind: 'sharded', setName: null, members: [], primary: null };
  const setName = typeof hello.setName === 'string' ? hello.setName : null;
  if (!setName) return { kind: 'standalone', setName: null, members: [], primary: null };
  // Arbiters carry no data and cannot be read from: they are not members to measure.
  const members = [...strings(hello.hosts), ...strings(hello.passives)];
  return { kind: 'replica_set', setName, members, primary: typeof hello.primary === 'string' ? hello.primary : null };
}

/** `listShards` → shards. A shard's `host` is `rsName/h1:p,h2:p`, or a bare `h:p` for a single server. */
export function readShardList(reply: Document): Shard[] {
  const shards = Array.isArray(reply.shards) ? (reply.shards as Document[]) : [];
  return shards.flatMap((s): Shard[] => {
    if (typeof s._id !== 'string' || typeof s.host !== 'string') return [];
    const slash = s.host.indexOf('/');
    const setName = slash > 0 ? s.host.slice(0, slash) : null;
    const hosts = (slash > 0 ? s.host.slice(slash + 1) : s.host).split(',').map((h) => h.trim()).filter(Boolean);
    return hosts.length ? [{ id: s._id, setName, hosts }] : [];
  });
}

/**
 * The URI of `hosts` with everything else of `base` kept: credentials, auth source, TLS
 * and driver options. SRV is resolved by the driver to the router's hosts, not the
 * shards', so a derived URI is a plain `mongodb://` one, with TLS kept on as SRV implied.
 */
export function uriFor(base: string, hosts: string[], params: Record<string, string>): string {
  const cs = new ConnectionString(base);
  const srv = cs.isSRV;
  const out = new ConnectionString(cs.toString().replace(/^mongodb\+srv:/, 'mongodb:'), { looseValidation: true });
  out.hosts = hosts;
  if (srv && !out.searchParams.has('tls') && !out.searchParams.has('ssl')) out.searchParams.set('tls', 'true');
  for (const key of ['directConnection', 'replicaSet', 'loadBalanced', 'srvServiceName', 'srvMaxHosts']) out.searchParams.delete(key);
  for (const [k, v] of Object.entries(params)) out.searchParams.set(k, v);
  return out.toString();
}

/** One member read on its own (the replication check's view of a replica). */
export function memberEndpoint(base: string, host: string, label: string, shard?: string): Endpoint {
  const uri = uriFor(base, [host], { directConnection: 'true' });
  return { label, role: 'replica', host: uriHosts(uri), uri, ...(shard ? { shard } : {}) };
}

/**
 * A shard as a group: its replica set URI as the primary (the driver finds the
 * primary), and each other member directly. `primaryHost` is what the shard's own
 * hello said; without it every member is listed, and the check finds the writable one.
 */
export function shardGroup(base: string, shard: Shard, primaryHost: string | null): EndpointGroup {
  const params: Record<string, string> = shard.setName ? { replicaSet: shard.setName } : { directConnection: 'true' };
  const uri = uriFor(base, shard.hosts, params);
  const primary: Endpoint = { label: `${shard.id}/primary`, role: 'primary', host: uriHosts(uri), uri, shard: shard.id };
  const others = shard.setName ? shard.hosts.filter((h) => h !== primaryHost) : [];
  const replicas = others.map((h, i) => memberEndpoint(base, h, `${shard.id}/member-${i + 1}`, shard.id));
  return { shard: shard.id, primary, replicas };
}

/**
 * The replicas of a replica set or DocumentDB cluster found from its hello: every data
 * member but the primary, each read directly. Used when `mongodb.discover_members` is on,
 * so a cluster endpoint alone is enough configuration.
 */
export function discoveredReplicas(base: string, hello: HelloShape): Endpoint[] {
  return hello.members.filter((h) => h !== hello.primary).map((h, i) => memberEndpoint(base, h, `member-${i + 1}`));
}
