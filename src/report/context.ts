import type { CheckResult, CheckStatus } from '../checks/result.js';
import { worstStatus } from '../checks/result.js';
import type { QuarantineReport } from '../store/quarantine-samples.js';

/**
 * What a report says around the check results. `proofline report` (src/cli/report) extends
 * it with its own sections for the full evidence report.
 */
export interface ReportSection {
  title: string;
  /** Plain text (escaped by the renderer) or trusted HTML produced by proofline itself. */
  text?: string;
  html?: string;
  /** Any machine-readable content for the JSON report. */
  data?: unknown;
}

export interface ReportContext {
  pipeline?: string;
  generatedAt?: string;
  /** Server identity and capabilities (src/store/capabilities.ts), when it was reachable. */
  server?: unknown;
  /** Sections shown before the per-check details (the first screen). */
  leadSections?: ReportSection[];
  sections?: ReportSection[];
  /** Quarantined records (`<collection>_rejects`) to list beside the invalid documents. */
  quarantine?: QuarantineReport[];
}

/**
 * The overall verdict: fail > warn > pass; `unsupported` only when nothing else ran, so
 * a check the server cannot run neither fails the report nor hides the others' verdict.
 */
export function overallStatus(results: CheckResult[]): CheckStatus {
  const measured = results.filter((r) => r.status !== 'unsupported');
  return measured.length ? worstStatus(measured.map((r) => r.status)) : results.length ? 'unsupported' : 'pass';
}

export const STATUS_TEXT: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', unsupported: 'UNSUPPORTED' };
