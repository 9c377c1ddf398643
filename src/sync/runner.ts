import { randomBytes } from 'node:crypto';
import type { Db } from 'mongodb';
import type { Logger } from '../common/logger.js';
import type { Capabilities } from '../store/capabilities.js';
import { ensureCollections } from '../store/collection-setup.js';
import type { DbRetry } from '../store/db-retry.js';
import { markAbandonedRuns, recordRunEnd, recordRunStart, RUNS_COLLECTION, type RunOrigin } from '../store/run-store.js';
import { withSession, type DbSession, type SessionSpec } from '../store/session.js';
import { failureText } from './failure-text.js';
import { runStatus, type StreamReport, type SyncReport } from './run-result.js';

/**
 * The one pipeline runner. Whatever feeds the engine — the configured connectors
 * (`runSync`: `proofline sync`, the monitor's schedule) or Airbyte messages on stdin (the
 * destination) — a run goes through here: one database session, the run recorded in
 * `_proofline_runs` from start to end (failed runs too, with their error), earlier runs
 * whose process is gone marked abandoned, and one typed result. The `body` does the
 * reading and writing with the engine core (sync/core.ts) and returns its streams.
 */

export interface RunSpec {
  /** The name the run is recorded under. */
  pipeline: string;
  origin: RunOrigin;
  /** The streams the run was asked for (recorded at start). */
  streams: string[];
  session: SessionSpec;
  /** Bookkeeping collections created before anything is read (a replica gateway caches which collections exist). */
  collections?: string[];
  logger: Logger;
}

export interface RunContext {
  runId: string;
  startedAt: Date;
  session: DbSession;
  db: Db;
  capabilities: Capabilities;
  renameDropTarget: boolean;
  /** Retries of transient database errors within the run's budget. */
  retry: DbRetry;
  log: Logger;
  /** The body names the streams reported so far: a run that throws is recorded with them. */
  track(soFar: () => StreamReport[]): void;
}

export interface RunOutcome {
  streams: StreamReport[];
  interrupted?: boolean;
  unknownStreams?: Record<string, number>;
  statesEmitted?: number;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

export async function runPipeline(spec: RunSpec, body: (run: RunContext) => Promise<RunOutcome>): Promise<SyncReport> {
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const log = spec.logger;
  return withSession(spec.session, async (session) => {
    const db = session.db;
    const capabilities = await session.capabilities();
    const renameDropTarget = await session.renameDropTarget();
    await ensureCollections(db, [RUNS_COLLECTION, ...(spec.collections ?? [])]);
    const abandoned = await markAbandonedRuns(db, spec.pipeline, startedAt);
    if (abandoned.length) log.warn({ runs: abandoned }, `marked ${abandoned.length} earlier run(s) abandoned: their process is gone`);
    await recordRunStart(db, { runId, pipeline: spec.pipeline, startedAt, streams: spec.streams, origin: spec.origin });
    log.info({ run_id: runId, origin: spec.origin, streams: spec.streams }, 'run started');
    let soFar: () => StreamReport[] = () => [];
    let outcome: RunOutcome;
    try {
      outcome = await body({ runId, startedAt, session, db, capabilities, renameDropTarget, retry: session.retry(), log, track: (f) => (soFar = f) });
    } catch (e) {
      // Recorded within a fresh budget (the run's may be spent); if the database never
      // answers, the next run marks this one abandoned. The run's own error is what the
      // caller must see, so a failed record is logged, not thrown over it.
      const error = failureText(e, spec.session.uri);
      await session
        .retry()('run record', () => recordRunEnd(db, runId, { status: 'failed', finishedAt: new Date(), streams: soFar(), error }))
        .catch((recordError: unknown) =>
          log.warn({ err: failureText(recordError, spec.session.uri) }, `could not record run ${runId} as failed: it stays "running" until the next run marks it abandoned`),
        );
      throw e;
    }
    const status = runStatus(outcome.streams, { requested: spec.streams.length, interrupted: Boolean(outcome.interrupted) });
    const finishedAt = new Date();
    await session.retry()('run record', () => recordRunEnd(db, runId, { status, finishedAt, streams: outcome.streams }));
    log.info({ run_id: runId, status }, 'run finished');
    return {
      runId,
      pipeline: spec.pipeline,
      origin: spec.origin,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      status,
      streams: outcome.streams,
      ...(outcome.unknownStreams ? { unknownStreams: outcome.unknownStreams } : {}),
      ...(outcome.statesEmitted !== undefined ? { statesEmitted: outcome.statesEmitted } : {}),
    };
  });
}
