import { describe, expect, it, vi } from 'vitest';
import type { CheckResult } from '../../../src/checks/result.js';
import { MonitorMetrics } from '../../../src/monitor/metrics.js';
import { digest } from '../../../src/monitor/digest.js';
import { isNotable, parseLogLine } from '../../../src/monitor/server-log.js';

/** Metrics come from results; what was not measured is absent, never a fake zero. */

const base = { startedAt: '2026-01-01T00:00:00.000Z', durationMs: 120, thresholds: [], findings: [] };

const availability: CheckResult = {
  ...base,
  name: 'availability',
  status: 'pass',
  summary: 'ok',
  measurements: {
    'endpoint_up[primary]': { value: 1, labels: { endpoint: 'primary' } },
    'endpoint_up[replica-1]': { value: 0, labels: { endpoint: 'replica-1' } },
  },
  evidence: { latencies_ms: { primary: { ping: [1, 2, 3], insert: [4] }, 'mongodb://u:pw@h:1': { ping: [5] } } },
};

const replication = (samples: (number | null)[]): CheckResult => ({
  ...base,
  name: 'replication',
  status: samples.every((s) => s === null) ? 'fail' : 'pass',
  summary: 'r',
  measurements: {},
  evidence: { lag_samples_ms: { 'replica-1': samples } },
});

describe('monitor metrics', () => {
  it('turns latency samples into histogram observations and endpoint status into gauges', async () => {
    const m = new MonitorMetrics();
    m.observeCheck(availability, 1_700_000_000_000);
    const text = await m.registry.metrics();
    expect(text).toMatch(/proofline_op_latency_seconds_count\{endpoint="primary",op="ping"\} 3/);
    expect(text).toMatch(/proofline_op_latency_seconds_sum\{endpoint="primary",op="ping"\} 0.006/);
    expect(text).toMatch(/proofline_endpoint_up\{endpoint="replica-1"\} 0/);
    expect(text).toMatch(/proofline_check_last_success_timestamp_seconds\{check="availability"\} 1700000000/);
    expect(text).not.toContain('pw@');
  });

  it('keeps the lag series while stale: the staleness is the least delay, and the staleness gauge grows at each scrape', async () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 0, 1, 12) });
    const m = new MonitorMetrics();
    const since = new Date(Date.now() - 30_000).toISOString();
    m.observeCheck({
      ...replication([null, null]),
      measurements: {
        'server_lag_ms[walreceiver]': { value: 29_500, metric: 'server_lag_ms', labels: { member: 'walreceiver', source: 'pg_stat_replication' } },
        'server_lag_bytes[walreceiver]': { value: 4096, metric: 'server_lag_bytes', labels: { member: 'walreceiver', source: 'pg_stat_replication' } },
      },
      evidence: { lag_samples_ms: { 'replica-1': [null, null] }, staleness: { 'replica-1': { state: 'stale', since } } },
    });
    const value = (text: string, re: RegExp): number => Number(re.exec(text)![1]);
    const first = await m.registry.metrics();
    expect(value(first, /proofline_replication_lag_seconds\{replica="replica-1"\} (\S+)/)).toBeGreaterThanOrEqual(30);
    expect(value(first, /proofline_replication_staleness_seconds\{replica="replica-1"\} (\S+)/)).toBe(30);
    expect(first).toMatch(/proofline_replication_server_lag_seconds\{member="walreceiver",source="pg_stat_replication"\} 29.5\n/);
    expect(first).toMatch(/proofline_replication_server_lag_bytes\{member="walreceiver",source="pg_stat_replication"\} 4096\n/);
    vi.advanceTimersByTime(5_000);
    expect(value(await m.registry.metrics(), /proofline_replication_staleness_seconds\{replica="replica-1"\} (\S+)/)).toBe(35);
    // Caught up: the staleness goes to 0 (the series stays), PostgreSQL's idle null replay_lag reads as 0.
    m.observeCheck({
      ...replication([3]),
      measurements: {
        'server_lag_ms[walreceiver]': { value: null, metric: 'server_lag_ms', labels: { member: 'walreceiver', source: 'pg_stat_replication' } },
        'server_lag_bytes[walreceiver]': { value: 0, metric: 'server_lag_bytes', labels: { member: 'walreceiver', source: 'pg_stat_replication' } },
      },
      evidence: { lag_samples_ms: { 'replica-1': [3] }, staleness: { 'replica-1': { state: 'fresh' } } },
    });
    const after = await m.registry.metrics();
    expect(after).toMatch(/proofline_replication_staleness_seconds\{replica="replica-1"\} 0\n/);
    expect(after).toMatch(/proofline_replication_server_lag_seconds\{member="walreceiver",source="pg_stat_replication"\} 0\n/);
    expect(after).toMatch(/proofline_replication_lag_seconds\{replica="replica-1"\} 0.003\n/);
    vi.useRealTimers();
  });

  it('drops the lag series when no probe write arrived and no staleness is known, instead of reporting 0', async () => {
    const m = new MonitorMetrics();
    m.observeCheck(replication([120, 300, null]));
    expect(await m.registry.metrics()).toMatch(/proofline_replication_lag_seconds\{replica="replica-1"\} 0.3\n/);
    m.observeCheck(replication([null, null]));
    const text = await m.registry.metrics();
    expect(text).not.toMatch(/proofline_replication_lag_seconds\{/);
    expect(text).toMatch(/proofline_replication_unconfirmed_writes\{replica="replica-1"\} 2/);
    expect(text).toMatch(/proofline_check_up\{check="replication"\} 0/);
  });

  it('an unsupported check has no up series and no last-success', async () => {
    const m = new MonitorMetrics();
    m.observeCheck({ ...replication([1]), status: 'pass' });
    m.observeCheck({ ...replication([]), status: 'unsupported' });
    const text = await m.registry.metrics();
    expect(text).not.toMatch(/proofline_check_up\{check="replication"\}/);
    expect(text).toMatch(/proofline_check_status\{check="replication",status="unsupported"\} 1/);
  });

  it('reports server statistics only where supported', async () => {
    const m = new MonitorMetrics();
    m.observeServerStats({ connections: { current: 7, available: 100 }, opcounters: { insert: 5 } }, { connections: true, opcounters: false });
    const text = await m.registry.metrics();
    expect(text).toMatch(/proofline_server_connections\{state="current"\} 7/);
    expect(text).not.toMatch(/proofline_server_opcounters_total\{/);
    expect(text).toMatch(/proofline_server_stats_info\{section="opcounters",supported="false"\} 1/);
  });

  it('counts sync outcomes with duplicates, and gauges schema drift per stream and kind only where it was checked', async () => {
    const m = new MonitorMetrics();
    const counts = { read: 6, inserted: 3, updated: 0, unchanged: 0, duplicate: 2, rejected: 1 };
    m.observeSync({
      sync: 'files',
      status: 'succeeded',
      finishedAt: new Date(0),
      streams: [
        { stream: 'obs', ...counts, drift: { byKind: { new: 1, missing: 2, type_changed: 0 } } },
        { stream: 'plain', ...counts },
      ],
    });
    const text = await m.registry.metrics();
    expect(text).toMatch(/proofline_sync_records_total\{stream="obs",outcome="duplicate"\} 2\n/);
    expect(text).toMatch(/proofline_schema_drift_fields\{stream="obs",kind="missing"\} 2\n/);
    expect(text).toMatch(/proofline_schema_drift_fields\{stream="obs",kind="new"\} 1\n/);
    expect(text).not.toMatch(/proofline_schema_drift_fields\{stream="plain"/);
  });

  it('digests the chartable numbers with credentials redacted', () => {
    const d = digest(availability);
    expect(d.latencyMs).toEqual({ primary: 2.5, 'mongodb://***@h:1': 5 });
    expect(d.availability).toEqual({ primary: 1, 'replica-1': 0 });
    expect(digest(replication([10, null, 40])).lagMs).toEqual({ 'replica-1': 40 });
  });
});

describe('server log lines', () => {
  it('reads MongoDB and FerretDB structured lines and keeps warnings and slow operations', () => {
    const slow = parseLogLine(JSON.stringify({ t: { $date: '2026-01-01T00:00:00Z' }, s: 'I', c: 'COMMAND', msg: 'Slow query', attr: { durationMillis: 250 } }));
    expect(slow).toMatchObject({ slow: true, severity: 'I', message: 'Slow query (250 ms)' });
    expect(isNotable(slow)).toBe(true);
    const ferret = parseLogLine(JSON.stringify({ l: 'WARN', msg: 'failed mongodb://a:secret@x/y', t: { $date: '2026-01-01T00:00:00Z' } }));
    expect(isNotable(ferret)).toBe(true);
    expect(ferret.message).not.toContain('secret');
    expect(isNotable(parseLogLine(JSON.stringify({ s: 'I', msg: 'Connection accepted' })))).toBe(false);
  });
});
