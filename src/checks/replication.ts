import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoClient, WriteConcernSettings } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { capabilitiesOf } from '../store/capability-cache.js';
import { CheckStatus, type CheckResult } from './result.js';
import { ResultBuilder, firstProblem } from './builder.js';
import { describeEndpoint, tryConnect, unreachableFinding, type Connected, type Endpoint } from './endpoints.js';
import { askOverNetwork, resolveTopology } from './topology-probe.js';
import type { CheckContext } from './availability.js';
import { elapsedMs, summarize } from './stats.js';
import { formatMs, parseDuration } from '../common/duration.js';
import { serverLag } from './replication-server-lag.js';
import { fingerprint } from './replication-divergence.js';
import type { StalenessWatch } from './replication-staleness.js';

/**
 * Replication: do writes on the primary reach every replica, and how fast? N marker
 * documents are written with the configured write concern and polled on each replica
 * until visible (lag = ack on the primary → first successful read on the replica).
 * Beside it: the server's own lag figure, an update of a real document read back on
 * every member, and a count + content-hash comparison of a time window.
 */

const RESTART_HINT = 'FerretDB caches collections at start: run `proofline stack restart-replica-gateway` (or restart the replica-side gateway)';

interface Member {
  endpoint: Endpoint;
  client: MongoClient;
}


/** Poll until `probe` is true or the timeout passes; elapsed ms, or null on timeout. */
async function pollVisible(probe: () => Promise<boolean>, timeoutMs: number, intervalMs: number, signal?: AbortSignal): Promise<number | null> {
  const start = performance.now();
  for (;;) {
    if (await probe().catch(() => false)) return elapsedMs(start);
    if (performance.now() - start >= timeoutMs || signal?.aborted) return null;
    await sleep(intervalMs);
  }
}

async function knowsCollection(client: MongoClient, db: string, name: string): Promise<boolean> {
  const found = await client.db(db).listCollections({ name }, { nameOnly: true }).toArray();
  return found.length > 0;
}

/** Keep only the replicas that see `collection`; the others get an actionable failure. */
async function visibleOn(b: ResultBuilder, members: Member[], db: string, collection: string, purpose: string): Promise<Member[]> {
  const out: Member[] = [];
  for (const m of members) {
    if (await knowsCollection(m.client, db, collection)) out.push(m);
    else
      b.finding(
        CheckStatus.FAIL,
        `${describeEndpoint(m.endpoint)} does not know collection ${db}.${collection} (${purpose}) although the primary has it; ${RESTART_HINT}`,
        { endpoint: m.endpoint.label },
      );
  }
  return out;
}

function writeConcernOf(config: PipelineConfig): WriteConcernSettings {
  const wc = config.checks.replication.write_concern;
  return { w: wc.w, ...(wc.j !== undefined ? { journal: wc.j } : {}), ...(wc.wtimeout_ms ? { wtimeoutMS: wc.wtimeout_ms } : {}) };
}

async function markers(b: ResultBuilder, primary: MongoClient, replicas: Member[], config: PipelineConfig, ctx: CheckContext): Promise<void> {
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

async function updateProbe(b: ResultBuilder, primary: MongoClient, replicas: Member[], config: PipelineConfig, ctx: CheckContext): Promise<void> {
  const cfg = config.checks.replication;
  const probe = cfg.update_probe;
  if (!probe) return;
  const dbName = config.mongodb.database;
  const coll = primary.db(dbName).collection(probe.collection);
  const doc = await coll.findOne(probe.filter ?? {}, { projection: { _id: 1 } });
  if (!doc) {
    b.finding(CheckStatus.WARN, `update probe: no document of ${probe.collection} matches ${JSON.stringify(probe.filter ?? {})}`);
    return;
  }
  const members = await visibleOn(b, replicas, dbName, probe.collection, 'update probe');
  const token = `probe-${Date.now().toString(36)}`;
  const read = (c: MongoClient) => c.db(dbName).collection(probe.collection).findOne({ _id: doc._id }, { projection: { _proofline_probe: 1 } });
  const evidence: Record<string, unknown> = { collection: probe.collection, _id: String(doc._id), token, members: {} };
  const perMember = evidence.members as Record<string, unknown>;
  for (const m of [{ label: 'primary', client: primary }, ...members.map((r) => ({ label: r.endpoint.label, client: r.client }))]) {
    perMember[m.label] = { before: ((await read(m.client)) as { _proofline_probe?: unknown } | null)?._proofline_probe ?? null };
  }
  await coll.updateOne({ _id: doc._id }, { $set: { _proofline_probe: token } }, { writeConcern: writeConcernOf(config) });
  try {
    (perMember.primary as Record<string, unknown>).after = ((await read(primary)) as { _proofline_probe?: unknown } | null)?._proofline_probe ?? null;
    await Promise.all(
      members.map(async (r) => {
        const ms = await pollVisible(async () => (await read(r.client))?._proofline_probe === token, cfg.timeout_ms, cfg.poll_interval_ms, ctx.signal);
        Object.assign(perMember[r.endpoint.label] as object, { after: ms === null ? 'not visible' : token, visible_after_ms: ms });
        const key = b.measure('update_visible_ms', ms, { unit: 'ms', labels: { endpoint: r.endpoint.label, host: r.endpoint.host } });
        if (ms === null) b.finding(CheckStatus.FAIL, `${describeEndpoint(r.endpoint)}: the update of ${probe.collection} ${String(doc._id)} is not visible after ${cfg.timeout_ms} ms`, { endpoint: r.endpoint.label });
        else b.thresholds.push({ metric: key, op: '<=', value: cfg.timeout_ms });
      }),
    );
  } finally {
    // Restore the real document: the probe field goes away, whatever happened above.
    await coll.updateOne({ _id: doc._id }, { $unset: { _proofline_probe: '' } }).catch(() => undefined);
    evidence.restored = true;
  }
  b.evidence.update_probe = evidence;
}

async function divergence(b: ResultBuilder, primary: MongoClient, replicas: Member[], config: PipelineConfig): Promise<void> {
  const cfg = config.checks.replication;
  const div = cfg.divergence;
  if (!div) return;
  const dbName = config.mongodb.database;
  const to = new Date();
  const from = new Date(to.getTime() - parseDuration(div.window));
  const members = await visibleOn(b, replicas, dbName, div.collection, 'divergence');
  const reference = await fingerprint(primary, dbName, div.collection, div.time_field, from, to);
  const fingerprints: Record<string, unknown> = { primary: reference };
  b.evidence.divergence = { collection: div.collection, time_field: div.time_field, from: from.toISOString(), to: to.toISOString(), fingerprints };
  b.measure('divergence_count', reference.count, { labels: { endpoint: 'primary' } });
  for (const r of members) {
    // Writes in flight are not divergence: give the replica the marker timeout to converge.
    let fp = await fingerprint(r.client, dbName, div.collection, div.time_field, from, to);
    const start = performance.now();
    while ((fp.count !== reference.count || fp.sha256 !== reference.sha256) && performance.now() - start < cfg.timeout_ms) {
      await sleep(250);
      fp = await fingerprint(r.client, dbName, div.collection, div.time_field, from, to);
    }
    fingerprints[r.endpoint.label] = fp;
    const labels = { endpoint: r.endpoint.label, host: r.endpoint.host };
    b.measure('divergence_count', fp.count, { labels });
    const key = b.measure('divergent', fp.count === reference.count && fp.sha256 === reference.sha256 ? 0 : 1, { labels });
    b.thresholds.push({ metric: key, op: '==', value: 0 });
    if (b.measurements[key]!.value === 1) {
      b.finding(
        CheckStatus.FAIL,
        `${describeEndpoint(r.endpoint)} diverges from the primary on ${div.collection} (${div.time_field} in the last ${div.window}): ${fp.count} vs ${reference.count} documents, ${fp.sha256 === reference.sha256 ? 'same' : 'different'} content hash`,
        labels,
      );
    }
  }
}

/** One replica set: markers, server lag, update visibility and divergence, from its primary to its replicas. */
async function measureReplicaSet(b: ResultBuilder, primaryEndpoint: Endpoint, replicaEndpoints: Endpoint[], config: PipelineConfig, ctx: CheckContext, knownFailure?: Connected): Promise<void> {
  const cfg = config.checks.replication;
  const p = knownFailure ?? (await tryConnect(primaryEndpoint, config, ctx.reach));
  if (!p.ok) {
    unreachableFinding(b, primaryEndpoint, p.error, { endpoint: primaryEndpoint.label });
    return;
  }
  const members: Member[] = [];
  try {
    for (const e of replicaEndpoints) {
      const c = await tryConnect(e, config, ctx.reach);
      const labels = { endpoint: e.label, host: e.host };
      b.measure('replica_up', c.ok ? 1 : 0, { labels });
      if (c.ok) members.push({ endpoint: e, client: c.client });
      else unreachableFinding(b, e, c.error, labels);
    }
    const dbName = config.mongodb.database;
    if (!(await knowsCollection(p.client, dbName, cfg.marker_collection))) {
      await p.client.db(dbName).createCollection(cfg.marker_collection).catch(() => undefined);
    }
    const ready = await visibleOn(b, members, dbName, cfg.marker_collection, 'replication markers');
    await markers(b, p.client, ready, config, ctx);

    const caps = await capabilitiesOf(p.client, primaryEndpoint.uri);
    const lag = await serverLag(p.client, caps, primaryEndpoint.shard ? undefined : config.mongodb.postgres_url);
    b.evidence.server_lag = lag;
    if (!lag.supported) b.finding(CheckStatus.UNSUPPORTED, lag.note);
    for (const m of lag.members) {
      b.measure('server_lag_ms', m.lag_ms, { unit: 'ms', labels: { member: m.member, source: lag.source }, key: `server_lag_ms[${m.member}]` });
      if (m.lag_bytes !== undefined) b.measure('server_lag_bytes', m.lag_bytes, { unit: 'bytes', labels: { member: m.member, source: lag.source }, key: `server_lag_bytes[${m.member}]` });
    }
    // Put the server's own figure into the stale message an operator reads first.
    const serverNote = lag.members.map((m) => `${m.member}: ${formatMs(m.lag_ms)}${m.lag_bytes != null ? `, ${m.lag_bytes} WAL bytes behind` : ''}`).join('; ');
    if (serverNote) for (const f of b.findings) if (/ is stale by /.test(f.message)) f.message += `; server-reported (${lag.source}) ${serverNote}`;

    await updateProbe(b, p.client, ready, config, ctx);
    await divergence(b, p.client, ready, config);
  } finally {
    await p.client.close().catch(() => undefined);
    await Promise.all(members.map((m) => m.client.close().catch(() => undefined)));
  }
}

export async function checkReplication(config: PipelineConfig, ctx: CheckContext = {}): Promise<CheckResult> {
  const b = new ResultBuilder('replication');
  // One group for the configured deployment; behind a mongos, one more per shard replica set.
  const topology = await resolveTopology(config, askOverNetwork(config, ctx.reach));
  for (const note of topology.notes) b.finding(CheckStatus.WARN, note);
  const groups = topology.groups.filter((g) => g.replicas.length > 0);
  if (groups.length === 0) {
    b.finding(CheckStatus.UNSUPPORTED, 'no replica configured (mongodb.replicas): nothing to measure replication against');
    return b.build(() => 'no replica configured');
  }
  for (const g of groups) {
    const known: Connected | undefined = g === topology.groups[0] && topology.primaryError ? { ok: false, error: topology.primaryError, connectMs: 0 } : undefined;
    await measureReplicaSet(b, g.primary, g.replicas, config, ctx, known);
  }
  const replicaEndpoints = groups.flatMap((g) => g.replicas);
  return b.build((status) => {
    const unreachable = groups.find((g) => b.findings.some((f) => f.labels?.endpoint === g.primary.label && f.labels?.code));
    if (unreachable && groups.length === 1) return `cannot measure replication: primary unreachable [${b.findings.find((f) => f.labels?.endpoint === unreachable.primary.label)?.labels?.code}]`;
    const parts = replicaEndpoints.map((e) => {
      const p95 = b.measurements[`lag_ms_p95[${e.label}]`]?.value;
      return `${e.label} lag p95 ${p95 == null ? 'n/a' : `${p95} ms`}`;
    });
    const head = parts.join(', ');
    return status === CheckStatus.PASS ? head : `${head}; ${firstProblem(b.findings)?.message ?? status}`;
  });
}
