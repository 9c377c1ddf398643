import type { MongoClient } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import type { ProoflineError } from '../errors.js';
import { uriHosts } from '../common/redact.js';
import type { ResultBuilder } from './builder.js';
import { CheckStatus } from './result.js';

/**
 * The members a check measures: the configured primary (`mongodb.uri`) and each entry of
 * `mongodb.replicas`. Labels are positional and credential-free (`primary`, `replica-1`),
 * and `host` comes from uriHosts, so neither can leak a password into a report or metric.
 */
export interface Endpoint {
  label: string;
  role: 'primary' | 'replica';
  host: string;
  uri: string;
  /** The shard this member belongs to, on a sharded cluster (src/checks/topology.ts). */
  shard?: string;
}

export function endpointsOf(config: PipelineConfig): Endpoint[] {
  const primary: Endpoint = { label: 'primary', role: 'primary', host: uriHosts(config.mongodb.uri), uri: config.mongodb.uri };
  const replicas = (config.mongodb.replicas ?? []).map(
    (uri, i): Endpoint => ({ label: `replica-${i + 1}`, role: 'replica', host: uriHosts(uri), uri }),
  );
  return [primary, ...replicas];
}

export type Connected = { ok: true; client: MongoClient; connectMs: number } | { ok: false; error: ProoflineError; connectMs: number };

/** "replica-1 (127.0.0.1:27018)" */
export function describeEndpoint(e: Endpoint): string {
  return `${e.label} (${e.host})`;
}

/** The FAIL finding for a member that could not be reached: where, the classified code, and the (already redacted) reason. */
export function unreachableFinding(b: ResultBuilder, endpoint: Endpoint, error: ProoflineError, labels: Record<string, string> = { endpoint: endpoint.label }): void {
  b.finding(CheckStatus.FAIL, `${describeEndpoint(endpoint)} unreachable [${error.code}]: ${error.message}`, { ...labels, code: error.code });
}
