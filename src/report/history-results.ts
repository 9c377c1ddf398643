import type { Db } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { CHECK_NAMES, type CheckName, type CheckResult, type Measurement } from '../checks/result.js';
import type { HistoryEntry } from '../monitor/history.js';

/**
 * `report --from-history`: reuse what `proofline monitor` already measured, from its
 * history collection, when the entry is fresh enough. History keeps digests (status,
 * summary, the charted numbers), not the full evidence, so a result taken from it says
 * so in its evidence; a check with no fresh entry is run live by the caller.
 */

export interface HistoryLookup {
  results: Partial<Record<CheckName, CheckResult>>;
  /** Per check: when the reused entry was recorded, or why none was reused. */
  notes: Partial<Record<CheckName, string>>;
  /** Recent entries per check (oldest first), for trend charts. */
  series: Partial<Record<CheckName, { at: string; status: string; durationMs: number }[]>>;
}

export function resultFromHistory(entry: HistoryEntry, thresholds: CheckResult['thresholds'] = []): CheckResult {
  const measurements: Record<string, Measurement> = {};
  for (const m of entry.measurements ?? []) {
    measurements[m.key] = { value: m.value, metric: m.metric, ...(m.unit ? { unit: m.unit } : {}), ...(m.labels ? { labels: m.labels } : {}) };
  }
  return {
    name: entry.check as CheckName,
    status: entry.status,
    summary: entry.summary,
    startedAt: entry.startedAt,
    durationMs: entry.durationMs,
    measurements,
    thresholds,
    findings: [],
    evidence: { source: 'monitor history', recordedAt: new Date(entry.at).toISOString(), ...(entry.interrupted ? { interrupted: entry.interrupted } : {}) },
  };
}

export async function readHistory(db: Db, config: PipelineConfig, maxAgeMs: number, now = Date.now()): Promise<HistoryLookup> {
  const coll = db.collection(config.monitor.history?.collection ?? '_proofline_check_history');
  const out: HistoryLookup = { results: {}, notes: {}, series: {} };
  for (const name of CHECK_NAMES) {
    const entries = (await coll
      .find({ kind: { $eq: 'check' }, check: { $eq: name } }, { projection: { _id: 0 } })
      .sort({ at: -1 })
      .limit(50)
      .toArray()) as unknown as HistoryEntry[];
    out.series[name] = entries.map((e) => ({ at: new Date(e.at).toISOString(), status: e.status, durationMs: e.durationMs })).reverse();
    const latest = entries[0];
    if (!latest) {
      out.notes[name] = 'no entry in the monitor history: run live';
      continue;
    }
    const age = now - new Date(latest.at).getTime();
    if (age > maxAgeMs) {
      out.notes[name] = `latest history entry is ${Math.round(age / 1000)} s old (limit ${Math.round(maxAgeMs / 1000)} s): run live`;
      continue;
    }
    out.results[name] = resultFromHistory(latest);
    out.notes[name] = `from the monitor history, recorded ${new Date(latest.at).toISOString()}`;
  }
  return out;
}
