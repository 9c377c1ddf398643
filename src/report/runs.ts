import type { Db, Document } from 'mongodb';
import { redactText } from '../common/redact.js';
import { withoutInternals } from '../common/server-message.js';

/**
 * The latest sync runs, as the sync engine recorded them in `_proofline_runs`. Read
 * tolerantly (a field the engine renames shows up as missing, not as a crash), with
 * every string redacted, and with the accounting identity checked per stream:
 * read = inserted + updated + unchanged + duplicate + rejected.
 */

export const RUNS_COLLECTION = '_proofline_runs';

export interface RunStreamSummary {
  stream: string;
  read: number | null;
  inserted: number | null;
  updated: number | null;
  unchanged: number | null;
  /** Absent in runs recorded before duplicates were counted: 0 then. */
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
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  streams: RunStreamSummary[];
  errors: string[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
// Runs recorded before server messages were trimmed may still quote a struct dump: trim on display.
const str = (v: unknown): string | null => (typeof v === 'string' ? withoutInternals(redactText(v)) : v instanceof Date ? v.toISOString() : null);

function reasonsOf(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (Array.isArray(v)) {
    for (const r of v as Document[]) if (r && typeof r === 'object' && typeof (r.kind ?? r.reason) === 'string') out[String(r.kind ?? r.reason)] = num(r.count) ?? 1;
  } else if (v && typeof v === 'object') {
    for (const [k, n] of Object.entries(v as Record<string, unknown>)) if (num(n) !== null) out[k] = n as number;
  }
  return out;
}

function driftOf(v: unknown): RunStreamSummary['drift'] | undefined {
  if (!v || typeof v !== 'object' || !Array.isArray((v as Document).fields)) return undefined;
  const fields = ((v as Document).fields as Document[])
    .filter((f) => f && typeof f.field === 'string' && typeof f.kind === 'string')
    .map((f) => ({ field: redactText(String(f.field)), kind: String(f.kind), records: num(f.records) }));
  return { policy: String((v as Document).policy ?? 'warn'), fields };
}

function streamOf(name: string, s: Document): RunStreamSummary {
  const c = (s.counts && typeof s.counts === 'object' ? s.counts : s) as Document;
  const counts = { read: num(c.read), inserted: num(c.inserted), updated: num(c.updated), unchanged: num(c.unchanged), duplicate: num(c.duplicate) ?? 0, rejected: num(c.rejected) };
  const parts = [counts.inserted, counts.updated, counts.unchanged, counts.duplicate, counts.rejected];
  const balanced = counts.read === null || parts.some((p) => p === null) ? null : counts.read === parts.reduce<number>((a, b) => a + (b ?? 0), 0);
  const error = str(s.error ?? s.message);
  const drift = driftOf(s.drift);
  return { stream: name, ...counts, reasons: reasonsOf(s.rejectionReasons ?? s.reasons ?? c.rejection_reasons ?? c.reasons), balanced, ...(error ? { error } : {}), ...(drift ? { drift } : {}) };
}

function streamsOf(v: unknown): RunStreamSummary[] {
  if (Array.isArray(v)) return (v as Document[]).map((s, i) => streamOf(String(s.stream ?? s.name ?? `stream-${i + 1}`), s));
  if (v && typeof v === 'object') return Object.entries(v as Record<string, Document>).map(([k, s]) => streamOf(k, s ?? {}));
  return [];
}

export function summarizeRun(doc: Document): RunSummary {
  const streams = streamsOf(doc.streams);
  const errors = [str(doc.error), ...(Array.isArray(doc.errors) ? (doc.errors as unknown[]).map((e) => str(typeof e === 'object' && e ? (e as Document).message : e)) : [])]
    .concat(streams.map((s) => (s.error ? `${s.stream}: ${s.error}` : null)))
    .filter((e): e is string => Boolean(e));
  return {
    runId: String(doc.runId ?? doc.run_id ?? doc._id ?? ''),
    status: String(doc.status ?? 'unknown'),
    startedAt: str(doc.startedAt ?? doc.started_at),
    finishedAt: str(doc.finishedAt ?? doc.finished_at),
    streams,
    errors,
  };
}

/** Newest first; an absent collection is simply no runs. */
export async function latestRuns(db: Db, limit = 5): Promise<RunSummary[]> {
  const docs = await db.collection(RUNS_COLLECTION).find({}).sort({ startedAt: -1, _id: -1 }).limit(limit).toArray();
  return docs.map(summarizeRun);
}
