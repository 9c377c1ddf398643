import type { MongoClient } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import type { Logger } from '../common/logger.js';
import { serverMessage } from '../common/server-message.js';
import { ProoflineError } from '../errors.js';
import { closeQuietly, connect } from '../store/connection.js';
import type { Connected, Endpoint } from './endpoints.js';
import type { StalenessWatch } from './replication-staleness.js';
import { elapsedMs } from './stats.js';

/**
 * The database session of one run of checks (`check all`, `report`, one monitor tick):
 * it owns the clients the checks use, one per member, shared by the checks of the run
 * and closed once at its end, so a check asks for a member and never opens or closes a
 * client itself. The first check that cannot reach a member records why; the checks
 * after it get the same classified error at once instead of waiting for their own
 * timeout, so a dead primary costs one timeout per run, not one per check.
 */

export class CheckSession {
  private readonly down = new Map<string, { error: ProoflineError; by: string }>();
  private readonly tries = new Map<string, number>();
  private readonly shared = new Map<string, Promise<Connected>>();
  private readonly owned: MongoClient[] = [];
  /** What runs now ("the schema check"), named in what the next ones are told. */
  current = 'an earlier step';

  constructor(private readonly config: PipelineConfig) {}

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

  /**
   * A client of the member, connected with the configured timeout; a failure comes back
   * as a classified error, never thrown. The run's client is reused when there is one;
   * `fresh` connects anew (the availability check times the connection itself).
   */
  async member(endpoint: Endpoint, options: { fresh?: boolean } = {}): Promise<Connected> {
    const known = this.knownDown(endpoint);
    if (known) return { ok: false, error: known, connectMs: 0 };
    if (!options.fresh) {
      const open = this.shared.get(endpoint.uri);
      if (open) return open;
    }
    const attempt = this.open(endpoint);
    if (!options.fresh) this.shared.set(endpoint.uri, attempt);
    const c = await attempt;
    if (!c.ok && this.shared.get(endpoint.uri) === attempt) this.shared.delete(endpoint.uri);
    return c;
  }

  /** Close every client of the run. */
  async close(): Promise<void> {
    const clients = this.owned.splice(0);
    this.shared.clear();
    await Promise.all(clients.map((c) => closeQuietly(c)));
  }

  private async open(endpoint: Endpoint): Promise<Connected> {
    this.tries.set(endpoint.uri, this.attempts(endpoint) + 1);
    const start = performance.now();
    try {
      const client = await connect(endpoint.uri, { timeoutMs: this.config.mongodb.timeout_ms, driver: this.config.mongodb.options as never, appName: 'proofline-check' });
      this.owned.push(client);
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
      if (!this.down.has(endpoint.uri)) this.down.set(endpoint.uri, { error, by: this.current });
      return { ok: false, error, connectMs: elapsedMs(start) };
    }
  }
}

/** What every check receives: the run's session, and what the caller adds. */
export interface CheckContext {
  session: CheckSession;
  logger?: Logger;
  signal?: AbortSignal;
  /** Kept by a long-lived process (the monitor): measures how stale a replica really is, across runs. */
  staleness?: StalenessWatch;
}
