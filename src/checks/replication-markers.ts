import type { MongoClient } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { formatMs } from '../common/duration.js';
import type { CheckContext } from './check-session.js';
import type { ResultBuilder } from './builder.js';
import { describeEndpoint, type Endpoint } from './endpoints.js';
import { pollVisible, writeConcernOf, type Member } from './replication-members.js';
import type { StalenessWatch } from './replication-staleness.js';
import { CheckStatus } from './result.js';
import { summarize } from './stats.js';

/**
 * Replication markers: N marker documents written on the primary with the configured
 * write concern and polled on each replica until visible (lag = ack on the primary → first
 * successful read on the replica). A marker not seen within the timeout is stale, and the
 * monitor's staleness watch keeps polling it to measure the real delay.
 */

export async function markers(b: ResultBuilder, primary: MongoClient, replicas: Member[], config: PipelineConfig, ctx: CheckContext): Promise<void> {
  const cfg = config.checks.replication;
  const dbName = config.mongodb.database;
  const coll = primary.db(dbName).collection<{ _id: string; run: string; seq: number; at: Date }>(cfg.marker_collection);
  const run = `${process.pid}-${Date.now().toString(36)}`;
  const lag: Record<string, (number | null)[]> = Object.fromEntries(replicas.map((r) => [r.endpoint.label, []]));
  const stale = new Map<string, { writtenAgoMs: number }>();
  b.evidence.lag_samples_ms = lag;
  b.evidence.write_concern = cfg.write_concern;
  // The report draws a marker not seen in time at the timeout, as a failure.
  b.evidence.timeout_ms = cfg.timeout_ms;
  // Markers of runs that crashed before cleaning up; a paused replica may still hold newer ones.
  await coll.deleteMany({ at: { $lt: new Date(Date.now() - 3_600_000) } }).catch(() => undefined);
  try {
    for (let i = 0; i < cfg.samples && !ctx.signal?.aborted; i++) {
      const _id = `${run}-${i}`;
      const at = new Date();
      await coll.insertOne({ _id, run, seq: i, at }, { writeConcern: writeConcernOf(config) });
      const active = replicas.filter((r) => !stale.has(r.endpoint.label));
      if (active.length === 0) break;
      await Promise.all(
        active.map(async (r) => {
          const rc = r.client.db(dbName).collection<{ _id: string }>(cfg.marker_collection);
          const ms = await pollVisible(async () => (await rc.findOne({ _id }, { projection: { _id: 1 } })) !== null, cfg.timeout_ms, cfg.poll_interval_ms, ctx.signal);
          lag[r.endpoint.label]!.push(ms);
          // One timeout proves the replica stale; waiting N more timeouts would only slow the verdict.
          if (ms === null) {
            stale.set(r.endpoint.label, { writtenAgoMs: Date.now() - at.getTime() });
            ctx.staleness?.watch(r.endpoint, config, _id, at.getTime());
          }
        }),
      );
    }
  } finally {
    // Markers still watched stay: the replica must be able to show them when it catches up.
    await coll.deleteMany({ run, _id: { $nin: ctx.staleness?.keptMarkers() ?? [] } }).catch(() => undefined);
  }
  const staleness: Record<string, unknown> = {};
  b.evidence.staleness = staleness;
  for (const r of replicas) {
    const label = r.endpoint.label;
    const samples = lag[label]!;
    const s = summarize(samples);
    const labels = { endpoint: label, host: r.endpoint.host };
    for (const p of ['p50', 'p95', 'max'] as const) b.measure(`lag_ms_${p}`, s[p], { unit: 'ms', labels });
    const timeouts = samples.filter((v) => v === null).length;
    const tk = b.measure('lag_timeouts', timeouts, { labels });
    b.thresholds.push({ metric: tk, op: '==', value: 0 });
    const st = stale.get(label);
    const watched = ctx.staleness ? reportWatched(b, r.endpoint, Boolean(st), ctx.staleness, config, labels, staleness) : false;
    if (!watched) {
      b.measure('stale_ms', st ? st.writtenAgoMs : 0, { unit: 'ms', labels });
      staleness[label] = st ? { state: 'stale', since: new Date(Date.now() - st.writtenAgoMs).toISOString(), stale_ms: st.writtenAgoMs, bound: 'lower' } : { state: 'fresh' };
    }
    if (st && !watched) {
      b.finding(
        CheckStatus.FAIL,
        `${describeEndpoint(r.endpoint)} is stale by at least ${formatMs(st.writtenAgoMs)}: a marker written on the primary ${formatMs(st.writtenAgoMs)} ago is still not visible (timeout ${cfg.timeout_ms} ms)`,
        { ...labels, stale_ms: String(Math.round(st.writtenAgoMs)) },
      );
    }
    if (s.count > 0) b.judge(`lag_ms_p95[${label}]`, '<=', cfg.max_lag_p95_ms, `${describeEndpoint(r.endpoint)} replication lag p95 over ${s.count} markers`);
  }
}

/**
 * Staleness as the monitor's background watch measured it: exact while the oldest unseen
 * marker is still unseen, the real delay once it appeared, "≥ cap" beyond stale_cap_ms.
 */
function reportWatched(b: ResultBuilder, endpoint: Endpoint, staleNow: boolean, watch: StalenessWatch, config: PipelineConfig, labels: Record<string, string>, evidence: Record<string, unknown>): boolean {
  const cap = config.checks.replication.stale_cap_ms;
  const w = watch.report(endpoint, cap);
  const who = describeEndpoint(endpoint);
  const written = (t: number) => new Date(t).toISOString();
  if (w?.kind === 'caught_up') {
    b.measure('caught_up_after_ms', w.delayMs, { unit: 'ms', labels });
    b.finding(CheckStatus.PASS, `${who} caught up: the marker written at ${written(w.writtenAt)} appeared after ${formatMs(w.delayMs)} (its real replication delay)`, labels);
    watch.clear(endpoint);
  }
  if (w?.kind === 'beyond_cap' && !staleNow) {
    b.finding(CheckStatus.PASS, `${who} caught up after ≥ ${formatMs(cap)} (stale_cap_ms): the marker written at ${written(w.writtenAt)} was not seen within the cap`, labels);
    watch.clear(endpoint);
  }
  const now = staleNow ? watch.report(endpoint, cap) : undefined;
  // Stale in this run but its marker is not the one watched (the old one was seen meanwhile): the run's own bound.
  if (staleNow && (!now || now.kind === 'caught_up')) return false;
  if (!now) {
    b.measure('stale_ms', 0, { unit: 'ms', labels });
    evidence[endpoint.label] = { state: 'fresh' };
    return true;
  }
  const staleMs = Date.now() - now.writtenAt;
  b.measure('stale_ms', staleMs, { unit: 'ms', labels });
  evidence[endpoint.label] = { state: now.kind, since: written(now.writtenAt), stale_ms: staleMs, cap_ms: cap, bound: now.kind === 'stale' ? 'exact' : 'lower' };
  const how = now.kind === 'stale' ? `by ${formatMs(staleMs)}` : `by ≥ ${formatMs(cap)} (stale_cap_ms; polling stopped)`;
  b.finding(
    CheckStatus.FAIL,
    `${who} is stale ${how}: the oldest marker it has not shown was written on the primary at ${written(now.writtenAt)} (timeout ${config.checks.replication.timeout_ms} ms; still watched until the cap of ${formatMs(cap)})`,
    { ...labels, stale_ms: String(Math.round(staleMs)) },
  );
  return true;
}
