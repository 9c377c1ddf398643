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

/**
 * What one run of checks (`check all`, `report`) learnt about reaching each endpoint. The
 * first check that cannot reach a member records why; the checks after it get the same
 * classified error at once instead of waiting for their own timeout, so a dead primary
 * costs one timeout per run, not one per check. Connections that succeed are not shared:
 * each check still measures with its own client.
 */
export class Reachability {
  private readonly down = new Map<string, { error: ProoflineError; by: string }>();
  private readonly tries = new Map<string, number>();
  /** What runs now ("the schema check"), named in what the next ones are told. */
  current = 'an earlier step';

  /** Connection attempts made to the endpoint during this run. */
  attempts(endpoint: Endpoint): number {
    return this.tries.get(endpoint.uri) ?? 0;
  }

  knownDown(endpoint: Endpoint): ProoflineError | undefined {
    const d = this.down.get(endpoint.uri);
    if (!d) return undefined;
    return new ProoflineError(d.error.code, `${d.error.message} (found unreachable by ${d.by} of this run; not tried again)`, {
      cause: d.error,
      ...(d.error.hint ? { hint: d.error.hint } : {}),
    });
  }

  attempted(endpoint: Endpoint): void {
    this.tries.set(endpoint.uri, this.attempts(endpoint) + 1);
  }

  failed(endpoint: Endpoint, error: ProoflineError): void {
    if (!this.down.has(endpoint.uri)) this.down.set(endpoint.uri, { error, by: this.current });
  }
}

/**
 * Connect with the configured timeout; a failure comes back as a classified error, never
 * thrown. With `reach`, an endpoint already found unreachable in this run is not tried again.
 */
export async function tryConnect(endpoint: Endpoint, config: PipelineConfig, reach?: Reachability): Promise<Connected> {
  const known = reach?.knownDown(endpoint);
  if (known) return { ok: false, error: known, connectMs: 0 };
  reach?.attempted(endpoint);
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
        hint: 'Check that the server has TLS enabled on this port, or drop tls=true from the URI.',
      });
    }
    reach?.failed(endpoint, error);
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
