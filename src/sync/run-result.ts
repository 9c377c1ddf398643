import type { RunOrigin, RunStreamDoc } from '../store/run-store.js';
import type { DriftReport } from './schema-drift.js';

/**
 * The one result of a pipeline run, whichever entry started it (`proofline sync`, the
 * monitor's schedule, `destination mongodb write`): what `runPipeline` returns and what
 * `_proofline_runs` records (store/run-store.ts RunDoc).
 */

/** One stream's outcome: the counts and where and how it ended. */
export interface StreamReport extends RunStreamDoc {
  /** already_running: another run holds the stream's lease; nothing was read or written. */
  status: 'succeeded' | 'failed' | 'already_running';
  /** The destination sync mode the stream was written with. */
  mode?: string;
  /** rejected / read exceeded the stream's max_reject_rate (default 10 %, see reject-rate.ts). */
  rejectRateExceeded?: boolean;
  /** Why the reject rate failed the stream, naming the counts and the limit. */
  rejectRateReason?: string;
  /** Schema drift of the run against the stream's expected_columns (absent when it declares none). */
  drift?: DriftReport;
  /** drift: fail and the source drifted: the run fails (exit 1), naming the fields. */
  driftFailed?: boolean;
  driftReason?: string;
  /** false when the stream has no target schema: its documents were stored unchecked. */
  validated?: boolean;
}

export interface SyncReport {
  runId: string;
  pipeline: string;
  origin: RunOrigin;
  startedAt: string;
  finishedAt: string;
  /** skipped: every stream was already running in another run. */
  status: 'succeeded' | 'failed' | 'interrupted' | 'skipped';
  streams: StreamReport[];
  /** Destination runs: records of streams outside the catalog, by stream, rejected into `_proofline_rejects`. */
  unknownStreams?: Record<string, number>;
  /** Destination runs: STATE messages handed back to the platform once their records were stored. */
  statesEmitted?: number;
}

/** A run's status from its streams: interrupted, then any failure, then all skipped, else succeeded. */
export function runStatus(streams: StreamReport[], o: { requested: number; interrupted: boolean }): SyncReport['status'] {
  if (o.interrupted || streams.length < o.requested) return 'interrupted';
  // A stream over its reject rate or failing on drift fails the run too: the run record and
  // the summary's first line must not say "succeeded" beside a stream that failed.
  if (streams.some((r) => r.status === 'failed' || r.rejectRateExceeded || r.driftFailed)) return 'failed';
  if (streams.length > 0 && streams.every((r) => r.status === 'already_running')) return 'skipped';
  return 'succeeded';
}
