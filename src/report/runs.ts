import type { Db } from 'mongodb';
import { redactText } from '../common/redact.js';
import { withoutInternals } from '../common/server-message.js';
import { runsCollection, type RunDoc, type RunOrigin, type RunStreamDoc } from '../store/run-store.js';

/**
 * The latest runs, as store/run-store.ts records them in `_proofline_runs` (its one
 * writer: `proofline sync`, the monitor's schedule and the Airbyte destination), with
 * every string redacted and the accounting identity checked per stream:
 * read = inserted + updated + unchanged + duplicate + rejected (+ unwritten, in a failed run).
 */

export interface RunStreamSummary {
  stream: string;
  read: number | null;
  inserted: number | null;
  updated: number | null;
  unchanged: number | null;
  duplicate: number | null;
  rejected: number | null;
  /** Rejection reasons counted by kind, when the run recorded them. */
  reasons: Record<string, number>;
  /** null when a counter is missing; false when the counts do not add up. */
  balanced: boolean | null;
  error?: string;
  /** Schema drift the run found (field, kind), when the stream declares expected_columns. */
  drift?: { policy: string; fields: { field: string; kind: string; records: number | null }[] };
}

export interface RunSummary {
  runId: string;
  origin: RunOrigin;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  streams: RunStreamSummary[];
  errors: string[];
}

// Runs recorded before server messages were trimmed may still quote a struct dump: trim on display.
const text = (v: string | undefined): string | null => (v === undefined ? null : withoutInternals(redactText(v)));

function streamOf(s: RunStreamDoc): RunStreamSummary {
  // A stream the run never got to (a crash) has no counts yet: counters stay null, not 0.
  const n = (v: number | undefined): number | null => (typeof v === 'number' ? v : null);
  const counts = { read: n(s.read), inserted: n(s.inserted), updated: n(s.updated), unchanged: n(s.unchanged), duplicate: n(s.duplicate), rejected: n(s.rejected) };
  // A failed run counts what it read and could not store as unwritten (store/stream-counts.ts).
  const parts = [counts.inserted, counts.updated, counts.unchanged, counts.duplicate, counts.rejected, n(s.unwritten ?? 0)];
  const balanced = counts.read === null || parts.some((p) => p === null) ? null : counts.read === parts.reduce<number>((a, b) => a + (b ?? 0), 0);
  const error = text(s.error);
  const drift = s.drift ? { policy: s.drift.policy, fields: s.drift.fields.map((f) => ({ field: redactText(f.field), kind: f.kind, records: f.records })) } : undefined;
  return { stream: s.stream, ...counts, reasons: { ...s.rejectedByKind }, balanced, ...(error ? { error } : {}), ...(drift ? { drift } : {}) };
}

export function summarizeRun(doc: RunDoc): RunSummary {
  const streams = doc.streams.map(streamOf);
  const errors = [text(doc.error), ...streams.map((s) => (s.error ? `${s.stream}: ${s.error}` : null))].filter((e): e is string => Boolean(e));
  return {
    runId: doc.runId,
    origin: doc.origin,
    status: doc.status,
    startedAt: doc.startedAt.toISOString(),
    finishedAt: doc.finishedAt?.toISOString() ?? null,
    streams,
    errors,
  };
}

/** Newest first; an absent collection is simply no runs. */
export async function latestRuns(db: Db, limit = 5): Promise<RunSummary[]> {
  const docs = await runsCollection(db).find({}).sort({ startedAt: -1, _id: -1 }).limit(limit).toArray();
  return docs.map(summarizeRun);
}
