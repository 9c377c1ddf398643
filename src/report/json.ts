import type { CheckResult } from '../checks/result.js';
import { overallStatus, type ReportContext } from './context.js';

/**
 * The machine-readable report. Its shape is a contract (docs/checks.md, validated by
 * src/report/report.schema.json in the tests): bump `schema_version` on any breaking change.
 */

export const JSON_REPORT_VERSION = 1;

export interface JsonReport {
  schema_version: number;
  tool: 'proofline';
  pipeline: string | null;
  generated_at: string;
  status: CheckResult['status'];
  counts: Record<CheckResult['status'], number>;
  server: unknown;
  results: CheckResult[];
  quarantine?: unknown[];
  sections?: { title: string; text?: string; data?: unknown }[];
}

export function buildJsonReport(results: CheckResult[], context: ReportContext = {}): JsonReport {
  const counts = { pass: 0, warn: 0, fail: 0, unsupported: 0 };
  for (const r of results) counts[r.status]++;
  return {
    schema_version: JSON_REPORT_VERSION,
    tool: 'proofline',
    pipeline: context.pipeline ?? null,
    generated_at: context.generatedAt ?? new Date().toISOString(),
    status: overallStatus(results),
    counts,
    server: context.server ?? null,
    results,
    ...(context.quarantine?.length ? { quarantine: context.quarantine } : {}),
    ...(context.sections?.length ? { sections: context.sections.map(({ title, text, data }) => ({ title, text, data })) } : {}),
  };
}

export function renderJson(results: CheckResult[], context: ReportContext = {}): string {
  return `${JSON.stringify(buildJsonReport(results, context), null, 2)}\n`;
}
