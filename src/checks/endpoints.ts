import type { MongoClient } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { connect } from '../store/connection.js';
import { ProoflineError } from '../errors.js';
import { uriHosts } from '../common/redact.js';
import type { ResultBuilder } from './builder.js';
import { CheckStatus } from './result.js';
import { elapsedMs } from './stats.js';
import { serverMessage } from '../common/server-message.js';

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

/** Connect with the configured timeout; a failure comes back as a classified error, never thrown. */
export async function tryConnect(endpoint: Endpoint, config: PipelineConfig): Promise<Connected> {
  const start = performance.now();
  try {
    const client = await connect(endpoint.uri, { timeoutMs: config.mongodb.timeout_ms, driver: config.mongodb.options as never, appName: 'proofline-check' });
    return { ok: true, client, connectMs: elapsedMs(start) };
  } catch (e) {
    let error = e instanceof ProoflineError ? e : new ProoflineError('SERVER_ERROR', serverMessage(e), { cause: e });
    // A TLS client talking to a plain port waits for a ServerHello that never comes: the driver
    // only sees a timeout, so say what the likely cause is.
    if (error.code === 'SERVER_TIMEOUT' && /[?&](tls|ssl)=true/i.test(endpoint.uri)) {
      error = new ProoflineError(error.code, `${error.message} (tls=true: if this port does not speak TLS, the handshake never completes and shows up as this timeout)`, {
        cause: error,
        transient: error.transient,
        hint: 'Check that the server has TLS enabled on this port, or drop tls=true from the URI.',
      });
    }
    return { ok: false, error, connectMs: elapsedMs(start) };
  }
}

/** "replica-1 (127.0.0.1:27018)" */
export function describeEndpoint(e: Endpoint): string {
  return `${e.label} (${e.host})`;
}

/** The FAIL finding for a member that could not be reached: where, the classified code, and the (already redacted) reason. */
export function unreachableFinding(b: ResultBuilder, endpoint: Endpoint, error: ProoflineError, labels: Record<string, string> = { endpoint: endpoint.label }): void {
  b.finding(CheckStatus.FAIL, `${describeEndpoint(endpoint)} unreachable [${error.code}]: ${error.message}`, { ...labels, code: error.code });
}
