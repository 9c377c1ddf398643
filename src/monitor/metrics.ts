import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CheckResult } from '../checks/result.js';
import { CheckStatus } from '../checks/result.js';
import { digest, lagSamples, latencySamples, safeLabel } from './digest.js';

/**
 * proofline's Prometheus metrics, on a Registry of their own (never the global one, so
 * a host process embedding the monitor does not see our series or we theirs). Every
 * value comes from a typed result (CheckResult, SyncReport, serverStatus); a value the
 * server does not give is an absent series plus an `unsupported` info series, never 0.
 */

const STATUSES = Object.values(CheckStatus);
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface SyncOutcome {
  sync: string;
  status: string;
  finishedAt: Date;
  streams: { stream: string; inserted: number; updated: number; unchanged: number; duplicate?: number; rejected: number; unwritten?: number; read: number; drift?: { byKind: Record<string, number> } }[];
}

export interface ServerStats {
  connections?: { current?: number; available?: number };
  opcounters?: Record<string, number>;
}

export class MonitorMetrics {
  readonly registry = new Registry();

  readonly checkStatus = new Gauge({ name: 'proofline_check_status', help: '1 for the current status of each check (one series per possible status)', labelNames: ['check', 'status'], registers: [this.registry] });
  readonly checkUp = new Gauge({ name: 'proofline_check_up', help: '1 when the last run passed (pass or warn), 0 when it failed; absent when the server does not support the check', labelNames: ['check'], registers: [this.registry] });
  readonly checkLastSuccess = new Gauge({ name: 'proofline_check_last_success_timestamp_seconds', help: 'Unix time of the last run that passed (pass or warn)', labelNames: ['check'], registers: [this.registry] });
  readonly checkLastRun = new Gauge({ name: 'proofline_check_last_run_timestamp_seconds', help: 'Unix time of the last run, whatever its outcome', labelNames: ['check'], registers: [this.registry] });
  readonly checkDuration = new Histogram({ name: 'proofline_check_duration_seconds', help: 'Wall time of a check run', labelNames: ['check'], buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60], registers: [this.registry] });
  readonly checkRuns = new Counter({ name: 'proofline_check_runs_total', help: 'Check runs by outcome', labelNames: ['check', 'status'], registers: [this.registry] });
  readonly ticksMissed = new Counter({ name: 'proofline_check_ticks_missed_total', help: 'Scheduled check ticks skipped because the previous run was still going', labelNames: ['check'], registers: [this.registry] });
  readonly opLatency = new Histogram({ name: 'proofline_op_latency_seconds', help: 'Latency of the operations sampled by the availability check', labelNames: ['endpoint', 'op'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly endpointUp = new Gauge({ name: 'proofline_endpoint_up', help: '1 when the endpoint answered the last availability run, 0 when it did not', labelNames: ['endpoint'], registers: [this.registry] });
  readonly invalidRate = new Gauge({ name: 'proofline_invalid_document_ratio', help: 'Invalid documents / documents checked, last schema run', labelNames: ['collection'], registers: [this.registry] });
  readonly replicationLag = new Gauge({ name: 'proofline_replication_lag_seconds', help: 'Worst replication delay observed in the last replication run; absent when no probe write arrived', labelNames: ['replica'], registers: [this.registry] });
  /** Per replica: since when it is stale (epoch ms), or null when current; read at scrape time so the gauge grows between runs. */
  private readonly staleSince = new Map<string, number | null>();
  readonly replicationStaleness = new Gauge({
    name: 'proofline_replication_staleness_seconds',
    help: 'How stale each replica is now: now minus the write time of the oldest marker it has not shown yet (0 when current)',
    labelNames: ['replica'],
    registers: [this.registry],
    collect: () => {
      const now = Date.now();
      for (const [replica, since] of this.staleSince) this.replicationStaleness.set({ replica }, since === null ? 0 : Math.max(0, now - since) / 1000);
    },
  });
  readonly replicationServerLag = new Gauge({ name: 'proofline_replication_server_lag_seconds', help: "The server's own replication lag per member (pg_stat_replication replay_lag, or replSetGetStatus optimes), last replication run", labelNames: ['member', 'source'], registers: [this.registry] });
  readonly replicationServerLagBytes = new Gauge({ name: 'proofline_replication_server_lag_bytes', help: 'WAL bytes the standby has not replayed yet (pg_stat_replication), last replication run', labelNames: ['member', 'source'], registers: [this.registry] });
  readonly replicationUnconfirmed = new Gauge({ name: 'proofline_replication_unconfirmed_writes', help: 'Probe writes not seen on the replica within the timeout, last replication run', labelNames: ['replica'], registers: [this.registry] });
  readonly syncRecords = new Counter({ name: 'proofline_sync_records_total', help: 'Records of scheduled syncs by outcome', labelNames: ['stream', 'outcome'], registers: [this.registry] });
  readonly schemaDrift = new Gauge({ name: 'proofline_schema_drift_fields', help: 'Source fields drifting from the stream\'s expected_columns in its last scheduled sync, by kind (new, missing, type_changed)', labelNames: ['stream', 'kind'], registers: [this.registry] });
  readonly syncRuns = new Counter({ name: 'proofline_sync_runs_total', help: 'Scheduled sync runs by status (skipped = prevented overlap)', labelNames: ['sync', 'status'], registers: [this.registry] });
  readonly syncLastSuccess = new Gauge({ name: 'proofline_sync_last_success_timestamp_seconds', help: 'Unix time of the last successful scheduled sync', labelNames: ['sync'], registers: [this.registry] });
  readonly serverConnections = new Gauge({ name: 'proofline_server_connections', help: 'serverStatus.connections of the primary', labelNames: ['state'], registers: [this.registry] });
  readonly serverOpcounters = new Gauge({ name: 'proofline_server_opcounters_total', help: 'serverStatus.opcounters of the primary (a server-side counter)', labelNames: ['op'], registers: [this.registry] });
  readonly serverStatsInfo = new Gauge({ name: 'proofline_server_stats_info', help: 'Whether the server reports each serverStatus section (supported="false": the series is absent, not zero)', labelNames: ['section', 'supported'], registers: [this.registry] });
  readonly alertFiring = new Gauge({ name: 'proofline_alert_firing', help: '1 while the alert of a check is firing', labelNames: ['check', 'severity'], registers: [this.registry] });
  readonly webhookDeliveries = new Counter({ name: 'proofline_webhook_deliveries_total', help: 'Alert webhook deliveries by outcome', labelNames: ['outcome'], registers: [this.registry] });
  readonly buildInfo = new Gauge({ name: 'proofline_monitor_info', help: 'The monitored pipeline and its server', labelNames: ['pipeline', 'server'], registers: [this.registry] });

  observeCheck(result: CheckResult, at = Date.now()): void {
    const check = result.name;
    for (const s of STATUSES) this.checkStatus.set({ check, status: s }, s === result.status ? 1 : 0);
    this.checkRuns.inc({ check, status: result.status });
    this.checkDuration.observe({ check }, result.durationMs / 1000);
    this.checkLastRun.set({ check }, at / 1000);
    if (result.status === CheckStatus.UNSUPPORTED) {
      this.checkUp.remove({ check });
    } else {
      const ok = result.status !== CheckStatus.FAIL;
      this.checkUp.set({ check }, ok ? 1 : 0);
      if (ok) this.checkLastSuccess.set({ check }, at / 1000);
    }

    for (const [endpoint, ops] of Object.entries(latencySamples(result))) {
      for (const [op, xs] of Object.entries(ops)) for (const x of xs) this.opLatency.observe({ endpoint, op }, x / 1000);
    }
    const d = digest(result);
    for (const [endpoint, ratio] of Object.entries(d.availability)) this.endpointUp.set({ endpoint }, ratio);
    for (const [collection, rate] of Object.entries(d.invalidRate)) this.invalidRate.set({ collection }, rate);
    if (check === 'replication') this.observeReplication(result);
  }

  /**
   * Replication series never vanish while a replica is stale: with no marker seen, the worst
   * delay observed is the staleness itself (a marker not visible after N s lagged at least N s).
   */
  private observeReplication(result: CheckResult): void {
    const staleness = (result.evidence?.staleness ?? {}) as Record<string, { state?: string; since?: string } | undefined>;
    for (const [replica, xs] of Object.entries(lagSamples(result))) {
      const seen = xs.filter((x): x is number => x !== null);
      this.replicationUnconfirmed.set({ replica }, xs.length - seen.length);
      const s = staleness[replica];
      const since = s?.since && s.state !== 'fresh' ? Date.parse(s.since) : null;
      this.staleSince.set(replica, since);
      const staleS = since === null ? 0 : (Date.now() - since) / 1000;
      if (seen.length || since !== null) this.replicationLag.set({ replica }, Math.max(seen.length ? Math.max(...seen) / 1000 : 0, staleS));
      // Nothing seen and no staleness known (a result without it): no figure, rather than an old one.
      else this.replicationLag.remove({ replica });
    }
    const byMember = new Map<string, { lag?: number | null; bytes?: number | null; source: string }>();
    for (const m of Object.values(result.measurements)) {
      if ((m.metric !== 'server_lag_ms' && m.metric !== 'server_lag_bytes') || !m.labels?.member) continue;
      const e = byMember.get(m.labels.member) ?? { source: m.labels.source ?? 'unknown' };
      if (m.metric === 'server_lag_ms') e.lag = m.value;
      else e.bytes = m.value;
      byMember.set(m.labels.member, e);
    }
    for (const [member, e] of byMember) {
      const labels = { member, source: e.source };
      // PostgreSQL leaves replay_lag null when the standby is idle and caught up: that is a lag of 0.
      const lagMs = e.lag ?? (e.bytes === 0 ? 0 : null);
      if (lagMs !== null) this.replicationServerLag.set(labels, lagMs / 1000);
      if (e.bytes !== undefined && e.bytes !== null) this.replicationServerLagBytes.set(labels, e.bytes);
    }
  }

  observeSync(o: SyncOutcome): void {
    this.syncRuns.inc({ sync: o.sync, status: o.status });
    if (o.status === 'succeeded' || o.status === 'success' || o.status === 'ok') this.syncLastSuccess.set({ sync: o.sync }, o.finishedAt.getTime() / 1000);
    for (const s of o.streams) {
      for (const outcome of ['inserted', 'updated', 'unchanged', 'duplicate', 'rejected', 'unwritten'] as const) this.syncRecords.inc({ stream: s.stream, outcome }, s[outcome] ?? 0);
      // Streams without expected_columns have no drift series (unknown, not 0).
      if (s.drift) for (const [kind, n] of Object.entries(s.drift.byKind)) this.schemaDrift.set({ stream: s.stream, kind }, n);
    }
  }

  /** Sections the server does not report are removed, and flagged as unsupported. */
  observeServerStats(stats: ServerStats, supported: { connections: boolean; opcounters: boolean }): void {
    for (const section of ['connections', 'opcounters'] as const) {
      this.serverStatsInfo.set({ section, supported: String(supported[section]) }, 1);
      this.serverStatsInfo.remove({ section, supported: String(!supported[section]) });
    }
    this.serverConnections.reset();
    if (supported.connections && stats.connections) {
      for (const [state, v] of Object.entries(stats.connections)) if (typeof v === 'number') this.serverConnections.set({ state }, v);
    }
    this.serverOpcounters.reset();
    if (supported.opcounters && stats.opcounters) {
      for (const [op, v] of Object.entries(stats.opcounters)) if (typeof v === 'number') this.serverOpcounters.set({ op }, v);
    }
  }

  setInfo(pipeline: string, server: string): void {
    this.buildInfo.reset();
    this.buildInfo.set({ pipeline, server: safeLabel(server) }, 1);
  }
}
