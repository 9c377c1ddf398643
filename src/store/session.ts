import type { Db, MongoClient, MongoClientOptions } from 'mongodb';
import type { Logger } from '../common/logger.js';
import type { PipelineConfig } from '../config/load.js';
import { DEFAULT_RETRY_POLICY, RetryBudget, type RetryPolicy } from '../common/retry.js';
import type { Capabilities } from './capabilities.js';
import { capabilitiesOf, renameDropTargetOf } from './capability-cache.js';
import { connect, type ConnectOptions } from './connection.js';
import { dbRetry, type DbRetry } from './db-retry.js';

/**
 * One database session: the client of one endpoint for as long as a run, a command or
 * the monitor needs it, with what goes with it — the capability answers (from the shared
 * cache), the retry policy of transient errors and the classified connection errors of
 * store/connection.ts. Runs, commands and the monitor open a session instead of a client,
 * so the lifecycle, timeouts, probing and error mapping live here once.
 */

export interface SessionSpec extends ConnectOptions {
  uri: string;
  database: string;
  logger: Logger;
  /** Transient-error retries of this session's runs (config `mongodb.retry`). */
  retryPolicy?: RetryPolicy;
}

/** The session a pipeline config describes (`mongodb:`), on its primary or on another of its endpoints. */
export function sessionOf(config: PipelineConfig, appName: string, logger: Logger, uri = config.mongodb.uri): SessionSpec {
  const m = config.mongodb;
  const r = m.retry;
  return {
    uri,
    database: m.database,
    timeoutMs: m.timeout_ms,
    appName,
    driver: m.options as MongoClientOptions,
    logger,
    ...(r ? { retryPolicy: { retries: r.max_retries, maxTimeMs: r.max_time_ms, minDelayMs: r.min_delay_ms, maxDelayMs: r.max_delay_ms } } : {}),
  };
}

export class DbSession {
  private constructor(
    readonly spec: SessionSpec,
    readonly client: MongoClient,
  ) {}

  /** Connects and waits for an answer; a failure is a classified, credential-free ProoflineError. */
  static async open(spec: SessionSpec): Promise<DbSession> {
    return new DbSession(spec, await connect(spec.uri, spec));
  }

  get db(): Db {
    return this.client.db(this.spec.database);
  }

  /** What the server supports: probed once per endpoint and TTL (store/capability-cache.ts). */
  capabilities(scratchDb?: string): Promise<Capabilities> {
    return capabilitiesOf(this.client, this.spec.uri, scratchDb ? { scratchDb } : {});
  }

  /** Can an overwrite swap in one renameCollection? */
  async renameDropTarget(): Promise<boolean> {
    return (await renameDropTargetOf(this.client, this.spec.uri)).supported;
  }

  /** Retries with a fresh budget of the session's policy: one per run, or per step that must outlive a spent budget. */
  retry(signal?: AbortSignal): DbRetry {
    const budget = new RetryBudget(this.spec.retryPolicy ?? DEFAULT_RETRY_POLICY);
    return dbRetry({ uri: this.spec.uri, budget, logger: this.spec.logger, ...(signal ? { signal } : {}) });
  }

  async close(): Promise<void> {
    // Nothing to act on if closing fails: the work is done or already failed, and the
    // sockets go with the process. Said at debug level for whoever investigates leaks.
    await this.client.close().catch((e: unknown) => this.spec.logger.debug({ err: String(e) }, 'database session close failed'));
  }
}

/** A session for the time `fn` runs, always closed after. */
export async function withSession<T>(spec: SessionSpec, fn: (session: DbSession) => Promise<T>): Promise<T> {
  const session = await DbSession.open(spec);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}
