import type { Db } from 'mongodb';
import { redactText } from '../common/redact.js';
import type { StreamCounts } from '../sync/stream-target.js';

/**
 * `_proofline_runs`: one document per sync run (shape in docs/sync.md). Inserted with
 * status `running` when the run starts, so a run whose process was killed stays visible
 * as `running` with no `finishedAt`; completed with counts and status at the end.
 */

export const RUNS_COLLECTION = '_proofline_runs';

/** One stream's outcome in a run: the engine's counts (declared once, in StreamCounts) plus where and how it ended. */
export interface RunStreamDoc extends StreamCounts {
  stream: string;
  collection: string;
  status: string;
  error?: string;
  durationMs: number;
}

export async function recordRunStart(db: Db, run: { runId: string; pipeline: string; startedAt: Date; streams: string[] }): Promise<void> {
  await db.collection(RUNS_COLLECTION).insertOne({
    _id: run.runId as never,
    runId: run.runId,
    pipeline: run.pipeline,
    status: 'running',
    startedAt: run.startedAt,
    requestedStreams: run.streams,
    streams: [],
    pid: process.pid,
  });
}

export async function recordRunEnd(db: Db, runId: string, end: { status: string; finishedAt: Date; streams: RunStreamDoc[]; error?: string }): Promise<void> {
  const streams = end.streams.map((s) => ({
    ...s,
    // `reasons` is the alias the report reader looks for first.
    reasons: s.rejectedByKind,
    ...(s.error ? { error: redactText(s.error) } : {}),
  }));
  await db
    .collection(RUNS_COLLECTION)
    .updateOne({ _id: runId as never }, { $set: { status: end.status, finishedAt: end.finishedAt, streams, ...(end.error ? { error: redactText(end.error) } : {}) } });
}
