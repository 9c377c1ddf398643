import type { CheckResult, CheckStatus } from '../checks/result.js';
import { redactText } from '../common/redact.js';

/**
 * The few numbers of a CheckResult the monitor charts over time, extracted once from the
 * check's evidence and measurements so that metrics, history and the dashboard agree.
 * Raw evidence stays with the check (it can be large); the digest is small enough to
 * keep for days.
 */

export interface DigestMeasurement {
  key: string;
  metric: string;
  value: number | null;
  unit?: string;
  labels?: Record<string, string>;
}

export interface CheckDigest {
  check: string;
  status: CheckStatus;
  summary: string;
  startedAt: string;
  durationMs: number;
  /** Median latency of every sampled operation, per endpoint (availability). */
  latencyMs: Record<string, number>;
  /** 1 when the endpoint answered, 0 when not, per endpoint (availability). */
  availability: Record<string, number>;
  /** Invalid documents / documents checked, per collection (schema). */
  invalidRate: Record<string, number>;
  /** Worst observed lag per replica; null when no probe write reached it in time. */
  lagMs: Record<string, number | null>;
  /** How long the oldest write a replica has not shown has been waiting, per replica (replication; 0 when fresh). */
  staleMs: Record<string, number>;
  /** The marker timeout of the run (replication): a write not seen within it is a failure, drawn at this height or higher. */
  lagTimeoutMs?: number;
  measurements: DigestMeasurement[];
  /** Set when the run was cut short (timeout, shutdown). */
  interrupted?: string;
}

export type LatencySamples = Record<string, Record<string, number[]>>;
export type LagSamples = Record<string, (number | null)[]>;

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Endpoint labels may be URIs: never let credentials through. */
export const safeLabel = (s: string): string => redactText(s);

export function latencySamples(result: CheckResult): LatencySamples {
  const raw = result.evidence?.latencies_ms;
  const out: LatencySamples = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [endpoint, ops] of Object.entries(raw as Record<string, unknown>)) {
    if (!ops || typeof ops !== 'object') continue;
    const clean: Record<string, number[]> = {};
    for (const [op, xs] of Object.entries(ops as Record<string, unknown>)) {
      if (Array.isArray(xs)) clean[op] = xs.filter(isNum);
    }
    out[safeLabel(endpoint)] = clean;
  }
  return out;
}

export function lagSamples(result: CheckResult): LagSamples {
  const raw = result.evidence?.lag_samples_ms;
  const out: LagSamples = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const [replica, xs] of Object.entries(raw as Record<string, unknown>)) {
    if (Array.isArray(xs)) out[safeLabel(replica)] = xs.map((x) => (isNum(x) ? x : null));
  }
  return out;
}

function measurementsOf(result: CheckResult): DigestMeasurement[] {
  return Object.entries(result.measurements ?? {}).map(([key, m]) => ({
    key: safeLabel(key),
    // Checks key measurements as `metric[label]` and also carry the bare metric name.
    metric: (m as { metric?: string }).metric ?? key.split('[')[0]!,
    value: isNum(m.value) ? m.value : null,
    ...(m.unit ? { unit: m.unit } : {}),
    ...(m.labels ? { labels: Object.fromEntries(Object.entries(m.labels).map(([k, v]) => [k, safeLabel(String(v))])) } : {}),
  }));
}

export function digest(result: CheckResult): CheckDigest {
  const d: CheckDigest = {
    check: result.name,
    status: result.status,
    summary: redactText(result.summary ?? ''),
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    latencyMs: {},
    availability: {},
    invalidRate: {},
    lagMs: {},
    staleMs: {},
    measurements: measurementsOf(result),
  };
  const timeout = result.evidence?.timeout_ms;
  if (isNum(timeout)) d.lagTimeoutMs = timeout;
  for (const [endpoint, ops] of Object.entries(latencySamples(result))) {
    const all = Object.values(ops).flat();
    if (all.length) d.latencyMs[endpoint] = median(all);
  }
  for (const m of d.measurements) {
    if (m.value === null) continue;
    if (m.metric === 'endpoint_up') d.availability[m.labels?.endpoint ?? m.key] = m.value;
    if (m.metric === 'invalid_rate') d.invalidRate[m.labels?.collection ?? m.key] = m.value;
    if (m.metric === 'stale_ms') d.staleMs[m.labels?.endpoint ?? m.key] = m.value;
  }
  for (const [replica, xs] of Object.entries(lagSamples(result))) {
    const seen = xs.filter(isNum);
    d.lagMs[replica] = seen.length ? Math.max(...seen) : null;
  }
  return d;
}
