import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../../src/cli/sync.js';
import type { SyncReport } from '../../../src/sync/run-result.js';
import { renderSummary, toJson } from '../../../src/sync/summary.js';

const stream = { stream: 'hourly', collection: 'hourly_measurements', read: 10, inserted: 6, updated: 1, unchanged: 1, duplicate: 0, rejected: 2, rejectedByKind: { maximum: 2 }, status: 'succeeded' as const, durationMs: 5, validated: true };
const report: SyncReport = { runId: 'r1', pipeline: 'weather', origin: 'sync', startedAt: 'a', finishedAt: 'b', status: 'succeeded', streams: [stream] };

describe('sync summary', () => {
  it('prints one row per stream, a total and the reconciliation verdict, without colour when asked', () => {
    const text = renderSummary(report, false);
    expect(text).toContain('run r1 (weather): succeeded');
    expect(text).toMatch(/hourly\s+│ hourly_measurements │ 10\s+│ 6\s+│ 1\s+│ 1\s+│ 0\s+│ 2\s+│ maximum 2/);
    expect(text).toContain('holds for every stream');
    expect(text).not.toContain('\u001b[');
    expect(renderSummary({ ...report, streams: [{ ...stream, read: 11 }] }, false)).toContain('records unaccounted for');
    // A duplicate is one of the terms: 11 read with one duplicate balances.
    expect(renderSummary({ ...report, streams: [{ ...stream, read: 11, duplicate: 1 }] }, false)).toContain('read = inserted + updated + unchanged + duplicate + rejected: holds for every stream');
  });

  it('JSON carries the counts, kinds and the balance per stream', () => {
    const j = JSON.parse(toJson(report)) as { streams: Array<Record<string, unknown>> };
    expect(j.streams[0]).toMatchObject({ read: 10, inserted: 6, updated: 1, unchanged: 1, rejected: 2, rejectedByKind: { maximum: 2 }, balanced: true });
  });

  it('exit code: 0 ok, 1 failed stream / interrupted / reject rate exceeded', () => {
    expect(exitCodeOf(report)).toBe(0);
    expect(exitCodeOf({ ...report, status: 'interrupted' })).toBe(1);
    expect(exitCodeOf({ ...report, status: 'failed', streams: [{ ...stream, status: 'failed', error: 'x' }] })).toBe(1);
    expect(exitCodeOf({ ...report, streams: [{ ...stream, rejectRateExceeded: true }] })).toBe(1);
  });

  it('names the stream and the reason when the reject rate fails it, and marks a stream without schema "not validated"', () => {
    const failed = renderSummary({ ...report, streams: [{ ...stream, rejectRateExceeded: true, rejectRateReason: 'rejected all 10 records read (100 % always fails)' }] }, false);
    expect(failed).toMatch(/hourly .*failed: rejected all 10 records read \(100 % always fails\)/);
    const loose = { ...report, streams: [{ ...stream, validated: false }] };
    expect(renderSummary(loose, false)).toContain('ok, not validated (no schema)');
    expect((JSON.parse(toJson(loose)) as { streams: Array<Record<string, unknown>> }).streams[0]).toMatchObject({ validated: false, validation: 'not validated' });
  });
});
