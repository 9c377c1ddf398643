import { hostname } from 'node:os';
import type { Collection, Db } from 'mongodb';
import { redactText } from '../common/redact.js';
import type { StreamCounts } from './stream-counts.js';

/**
 * `_proofline_runs`: one document per sync run (shape in docs/sync.md). Inserted with
 * status `running` when the run starts and completed with counts and status at the end.
 * A run whose process was killed keeps `running` until the next sync of the pipeline on
 * the same host sees that its process is gone and marks it `abandoned`.
 */

export const RUNS_COLLECTION = '_proofline_runs';

/** One stream's outcome in a run: the engine's counts (declared once, in StreamCounts) plus where and how it ended. */
export interface RunStreamDoc extends StreamCounts {
  stream: string;
  collection: string;
  status: string;
  error?: string;
  durationMs: number;
  /** Schema drift against the stream's expected_columns (absent when it declares none). */
  drift?: { policy: string; fields: { field: string; kind: string; records: number }[] };
}

/** Which entry point started a run: `proofline sync` (or the monitor's schedule), or the Airbyte destination. */
export type RunOrigin = 'sync' | 'destination';

/** A `_proofline_runs` document: the one shape recordRunStart/recordRunEnd write and every reader reads. */
export interface RunDoc {
  _id: string;
  runId: string;
  pipeline: string;
  origin: RunOrigin;
  status: string;
  startedAt: Date;
  finishedAt?: Date;
  requestedStreams: string[];
  streams: RunStreamDoc[];
  error?: string;
  pid: number;
  host: string;
  abandonedAt?: Date;
}

export function runsCollection(db: Db): Collection<RunDoc> {
  return db.collection<RunDoc>(RUNS_COLLECTION);
}

export async function recordRunStart(db: Db, run: { runId: string; pipeline: string; startedAt: Date; streams: string[]; origin?: RunOrigin }): Promise<void> {
  await runsCollection(db).insertOne({
    _id: run.runId,
    runId: run.runId,
    pipeline: run.pipeline,
    origin: run.origin ?? 'sync',
    status: 'running',
    startedAt: run.startedAt,
    requestedStreams: run.streams,
    streams: [],
    pid: process.pid,
    host: hostname(),
  });
}

function processGone(pid: unknown): boolean {
  if (typeof pid !== 'number') return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Runs of this pipeline still `running` whose process on this host no longer exists were
 * killed or crashed: say so, instead of leaving them running forever in dashboards.
 * Their data is consistent (state is only saved after a flush); the new run resumes.
 * Runs started on other hosts cannot be judged from here and are left alone.
 */
export async function markAbandonedRuns(db: Db, pipeline: string, now = new Date()): Promise<string[]> {
  const coll = runsCollection(db);
  const stale = await coll.find({ pipeline, status: 'running', host: hostname() }, { projection: { _id: 1, pid: 1 } }).toArray();
  const gone = stale.filter((r) => processGone(r.pid));
  for (const r of gone) {
    await coll.updateOne(
      { _id: r._id, status: 'running' },
      { $set: { status: 'abandoned', abandonedAt: now, error: `process ${String(r.pid)} on ${hostname()} ended without finishing this run (killed or crashed); the next run resumed from the last saved state` } },
    );
  }
  return gone.map((r) => String(r._id));
}

export async function recordRunEnd(db: Db, runId: string, end: { status: string; finishedAt: Date; streams: RunStreamDoc[]; error?: string }): Promise<void> {
  const streams = end.streams.map((s) => ({ ...s, ...(s.error ? { error: redactText(s.error) } : {}) }));
  await runsCollection(db).updateOne({ _id: runId }, { $set: { status: end.status, finishedAt: end.finishedAt, streams, ...(end.error ? { error: redactText(end.error) } : {}) } });
}
