/**
 * The one result type every check returns. Reports (table, JSON, JUnit, HTML), the
 * monitor's metrics and alerts, and the CLI's exit code all read these, never logs.
 */

export const CheckStatus = Object.freeze({ PASS: 'pass', WARN: 'warn', FAIL: 'fail', UNSUPPORTED: 'unsupported' } as const);
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

export const CHECK_NAMES = ['availability', 'schema', 'quality', 'replication', 'coherence'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export interface Threshold {
  /** Name of the measured value it applies to (a key of `measurements`). */
  metric: string;
  op: '<=' | '<' | '>=' | '>' | '==';
  value: number;
  /** 'fail' by default; a 'warn' threshold only turns the check to warn. */
  severity?: 'fail' | 'warn';
}

export interface Measurement {
  value: number | null;
  /** Time-series name when the key carries a label (`ping_ms_p95[primary]` → `ping_ms_p95`); defaults to the key. */
  metric?: string;
  unit?: string;
  /** Which endpoint, field, source... the value belongs to. */
  labels?: Record<string, string>;
}

export interface Finding {
  status: CheckStatus;
  message: string;
  labels?: Record<string, string>;
}

export interface CheckResult {
  name: CheckName;
  status: CheckStatus;
  /** One line an operator can act on. */
  summary: string;
  startedAt: string;
  durationMs: number;
  /** Measured values, keyed by metric name (`ping_ms_p95`, `invalid_rate`...). */
  measurements: Record<string, Measurement>;
  thresholds: Threshold[];
  /** Per-item outcomes (per endpoint, per rule, per replica). */
  findings: Finding[];
  /** Samples: raw latencies, invalid documents, lag series. Kept small. */
  evidence: Record<string, unknown>;
}

const rank: Record<CheckStatus, number> = { pass: 0, unsupported: 1, warn: 2, fail: 3 };

/** The worst of several statuses; `unsupported` never hides a failure nor fakes a pass. */
export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((worst, s) => (rank[s] > rank[worst] ? s : worst), CheckStatus.PASS);
}

export function compare(actual: number, op: Threshold['op'], expected: number): boolean {
  switch (op) {
    case '<=':
      return actual <= expected;
    case '<':
      return actual < expected;
    case '>=':
      return actual >= expected;
    case '>':
      return actual > expected;
    case '==':
      return actual === expected;
  }
}
