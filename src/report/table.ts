import Table from 'cli-table3';
import pc from 'picocolors';
import type { CheckResult, CheckStatus } from '../checks/result.js';
import { STATUS_TEXT, overallStatus } from './context.js';

/**
 * The terminal report: one row per check, its findings beneath. Colours follow the
 * terminal and NO_COLOR (https://no-color.org) unless the caller decides.
 */

function colorEnabled(): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  if (process.env.FORCE_COLOR) return true;
  return Boolean(process.stdout.isTTY);
}

export function renderTable(results: CheckResult[], options: { color?: boolean } = {}): string {
  const c = pc.createColors(options.color ?? colorEnabled());
  const paint: Record<CheckStatus, (s: string) => string> = { pass: c.green, warn: c.yellow, fail: c.red, unsupported: c.cyan };
  const table = new Table({
    head: ['check', 'status', 'summary', 'duration'],
    // cli-table3 colours its head red by default; plain styling keeps NO_COLOR output clean.
    style: { head: [], border: [] },
    colWidths: [14, 13, 80, 11],
    wordWrap: true,
  });
  for (const r of results) {
    const details = r.findings
      // The summary already quotes the first problem: do not print it twice.
      .filter((f) => f.status !== 'pass' && !r.summary.includes(f.message))
      .slice(0, 8)
      .map((f) => `${paint[f.status](`[${f.status}]`)} ${f.message}`);
    table.push([c.bold(r.name), paint[r.status](STATUS_TEXT[r.status]), [r.summary, ...details].join('\n'), `${(r.durationMs / 1000).toFixed(2)} s`]);
  }
  const overall = overallStatus(results);
  return `${table.toString()}\n${c.bold('overall:')} ${paint[overall](STATUS_TEXT[overall])} (${results.length} check${results.length === 1 ? '' : 's'})\n`;
}
