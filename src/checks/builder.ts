import { CheckStatus, compare, type CheckName, type CheckResult, type Finding, type Measurement, type Threshold } from './result.js';
import { round, significant } from './stats.js';

/**
 * Collects what a check measured and judges it. Measurement keys are unique within a
 * result: the bare metric name (`invalid_rate`) or, when the same metric exists per
 * endpoint/field/rule, `metric[label]` (`ping_ms_p95[primary]`). `metric` and `labels`
 * give the time-series name and labels for the monitor (docs/checks.md lists them).
 */
export class ResultBuilder {
  readonly measurements: Record<string, Measurement> = {};
  readonly thresholds: Threshold[] = [];
  readonly findings: Finding[] = [];
  readonly evidence: Record<string, unknown> = {};
  private readonly started = performance.now();
  private readonly startedAt = new Date().toISOString();

  constructor(readonly name: CheckName) {}

  measure(metric: string, value: number | null, options: { unit?: string; labels?: Record<string, string>; key?: string } = {}): string {
    const key = options.key ?? (options.labels && Object.keys(options.labels).length ? `${metric}[${Object.values(options.labels)[0]}]` : metric);
    this.measurements[key] = {
      value: typeof value === 'number' ? significant(value) : null,
      metric,
      ...(options.unit ? { unit: options.unit } : {}),
      ...(options.labels ? { labels: options.labels } : {}),
    };
    return key;
  }

  /**
   * Judge a measurement against a threshold; records the threshold and a finding. A
   * missing value (null) fails: "could not measure" must never read as a pass.
   */
  judge(key: string, op: Threshold['op'], value: number, what: string, severity: 'fail' | 'warn' = 'fail'): boolean {
    this.thresholds.push({ metric: key, op, value, ...(severity === 'warn' ? { severity } : {}) });
    const m = this.measurements[key];
    const actual = m?.value ?? null;
    const ok = actual !== null && compare(actual, op, value);
    if (!ok) {
      const unit = m?.unit ? ` ${m.unit}` : '';
      const shown = actual === null ? 'no value' : `${actual}${unit}`;
      this.finding(severity === 'warn' ? CheckStatus.WARN : CheckStatus.FAIL, `${what}: ${shown}, expected ${op} ${value}${unit}`, m?.labels);
    }
    return ok;
  }

  finding(status: CheckStatus, message: string, labels?: Record<string, string>): void {
    this.findings.push({ status, message, ...(labels ? { labels } : {}) });
  }

  /**
   * fail > warn > pass. `unsupported` only when nothing at all could be measured: a check
   * whose side measurement is unsupported (server-side lag on FerretDB) still passes or
   * fails on what it did measure, and the unsupported finding stays visible.
   */
  status(): CheckStatus {
    const s = this.findings.map((f) => f.status);
    if (s.includes(CheckStatus.FAIL)) return CheckStatus.FAIL;
    if (s.includes(CheckStatus.WARN)) return CheckStatus.WARN;
    const measuredSomething = Object.values(this.measurements).some((m) => m.value !== null);
    if (!measuredSomething && s.includes(CheckStatus.UNSUPPORTED)) return CheckStatus.UNSUPPORTED;
    return CheckStatus.PASS;
  }

  build(summary: (status: CheckStatus) => string): CheckResult {
    const status = this.status();
    return {
      name: this.name,
      status,
      summary: summary(status),
      startedAt: this.startedAt,
      durationMs: round(performance.now() - this.started) as number,
      measurements: this.measurements,
      thresholds: this.thresholds,
      findings: this.findings,
      evidence: this.evidence,
    };
  }
}

/** The first failing (else warning) finding, for one-line summaries. */
export function firstProblem(findings: Finding[]): Finding | undefined {
  return findings.find((f) => f.status === CheckStatus.FAIL) ?? findings.find((f) => f.status === CheckStatus.WARN);
}
