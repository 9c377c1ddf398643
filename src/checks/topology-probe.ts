import type { Document } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { ProoflineError, errorMessage } from '../errors.js';
import { redactText } from '../common/redact.js';
import { endpointsOf, type Endpoint } from './endpoints.js';
import type { CheckSession } from './check-session.js';
import { discoveredReplicas, readHello, readShardList, shardGroup, type EndpointGroup, type TopologyKind } from './topology.js';

/**
 * The groups of endpoints the availability and replication checks measure. Without a
 * router and without `discover_members`, that is the configuration as written (one
 * group: `mongodb.uri` and `mongodb.replicas`). Behind a mongos it adds one group per
 * shard replica set, found with `listShards`; with `discover_members` the primary's
 * hello adds the members nobody listed.
 */

export interface ResolvedTopology {
  kind: TopologyKind | 'unknown';
  groups: EndpointGroup[];
  /** What could not be found out, in words for the result (e.g. listShards refused). */
  notes: string[];
  /** The configured primary's connection error when it did not answer: the checks report it without waiting for a second timeout. */
  primaryError?: ProoflineError;
}

/** Runs one admin command on one endpoint: the checks' connection in production, reply documents in unit tests. */
export type AskServer = (endpoint: Endpoint, command: Document) => Promise<Document>;

const reason = (e: unknown): string => redactText(errorMessage(e)).split('\n')[0]!;

export async function resolveTopology(config: PipelineConfig, ask: AskServer): Promise<ResolvedTopology> {
  const [primary, ...replicas] = endpointsOf(config) as [Endpoint, ...Endpoint[]];
  const configured: EndpointGroup = { shard: null, primary, replicas };
  let hello: Document;
  try {
    hello = await ask(primary, { hello: 1 });
  } catch (e) {
    // Unreachable: the checks report it with its classified code, from this one attempt.
    return { kind: 'unknown', groups: [configured], notes: [], ...(e instanceof ProoflineError ? { primaryError: e } : {}) };
  }
  const shape = readHello(hello);
  if (shape.kind !== 'sharded') {
    if (!config.mongodb.discover_members) return { kind: shape.kind, groups: [configured], notes: [] };
    const known = new Set(endpointsOf(config).flatMap((e) => e.host.split(',')));
    const found = discoveredReplicas(config.mongodb.uri, shape).filter((e) => !known.has(e.host));
    return { kind: shape.kind, groups: [{ ...configured, replicas: [...replicas, ...found] }], notes: [] };
  }

  let shards;
  try {
    shards = readShardList(await ask(primary, { listShards: 1 }));
  } catch (e) {
    return { kind: 'sharded', groups: [configured], notes: [`mongos found, but listShards was refused (${reason(e)}): the shards are not measured; grant clusterMonitor to check them one by one`] };
  }
  const groups = [configured];
  for (const shard of shards) {
    const first = shardGroup(config.mongodb.uri, shard, null);
    const primaryHost = shard.setName ? await ask(first.primary, { hello: 1 }).then((h) => readHello(h).primary, () => null) : null;
    groups.push(shardGroup(config.mongodb.uri, shard, primaryHost));
  }
  return { kind: 'sharded', groups, notes: shards.length ? [] : ['mongos found, but listShards lists no shard'] };
}

/** The production AskServer: the question asked on the run's client of that member. */
export function askOverNetwork(session: CheckSession): AskServer {
  return async (endpoint, command) => {
    const c = await session.member(endpoint);
    if (!c.ok) throw c.error;
    return c.client.db('admin').command(command);
  };
}
