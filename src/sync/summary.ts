import Table from 'cli-table3';
import pc from 'picocolors';
import type { StreamReport, SyncReport } from './run-result.js';
import { describeDrift } from './schema-drift.js';
import { accounted } from '../store/stream-counts.js';

/** Human and machine renderings of a SyncReport. */

export const balanced = (s: StreamReport): boolean => s.read === accounted(s);

function kinds(s: StreamReport): string {
  return Object.entries(s.rejectedByKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

export function renderSummary(report: SyncReport, color = pc.isColorSupported): string {
  const c = color ? pc : pc.createColors(false);
  const table = new Table({
    head: ['stream', 'collection', 'read', 'inserted', 'updated', 'unchanged', 'duplicate', 'rejected', 'rejected by kind', 'status'],
    style: { head: color ? ['cyan'] : [], border: color ? ['grey'] : [] },
  });
  for (const s of report.streams) {
    const status =
      s.status === 'failed'
        ? c.red(`failed: ${s.error ?? ''}${s.unwritten ? ` (${s.unwritten} read but not written: the next run reads them again)` : ''}`)
        : s.status === 'already_running'
          ? c.yellow(s.error ?? 'already running')
          : s.rejectRateExceeded
            ? c.red(`failed: ${s.rejectRateReason ?? 'too many rejects'}`)
            : s.driftFailed
              ? c.red('failed: schema drift (below)')
              : s.validated === false
              ? c.yellow('ok, not validated (no schema)')
              : c.green('ok');
    table.push([s.stream, s.collection, s.read, s.inserted, s.updated, s.unchanged, s.duplicate, s.rejected ? c.yellow(String(s.rejected)) : 0, kinds(s), status]);
  }
  const t = report.streams.reduce((a, s) => ({ read: a.read + s.read, inserted: a.inserted + s.inserted, updated: a.updated + s.updated, unchanged: a.unchanged + s.unchanged, duplicate: a.duplicate + s.duplicate, rejected: a.rejected + s.rejected }), {
    read: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    duplicate: 0,
    rejected: 0,
  });
  table.push([c.bold('total'), '', t.read, t.inserted, t.updated, t.unchanged, t.duplicate, t.rejected, '', '']);
  const ok = report.streams.every(balanced);
  const terms = `inserted + updated + unchanged + duplicate + rejected${report.streams.some((s) => s.unwritten) ? ' + unwritten' : ''}`;
  const identity = ok ? c.green(`read = ${terms}: holds for every stream`) : c.red(`read ≠ ${terms}: records unaccounted for`);
  const status = report.status === 'succeeded' ? c.green(report.status) : report.status === 'skipped' ? c.yellow(report.status) : c.red(report.status);
  const drift = report.streams
    .filter((s) => s.drift?.fields.length)
    .map((s) => (s.driftFailed ? c.red : c.yellow)(`schema drift in ${s.stream} (drift: ${s.drift!.policy}): ${describeDrift(s.drift!)}\n`))
    .join('');
  return `run ${report.runId} (${report.pipeline}): ${status}\n${table.toString()}\n${identity}\n${drift}`;
}

export function toJson(report: SyncReport): string {
  return `${JSON.stringify(
    {
      runId: report.runId,
      pipeline: report.pipeline,
      status: report.status,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      streams: report.streams.map((s) => ({ ...s, ...(s.validated === undefined ? {} : { validation: s.validated ? 'validated' : 'not validated' }), balanced: balanced(s) })),
    },
    null,
    2,
  )}\n`;
}
