import type { Db } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { CheckStatus, type CheckResult } from './result.js';
import { ResultBuilder, firstProblem } from './builder.js';
import { describeEndpoint, unreachableFinding, type Connected, type Endpoint } from './endpoints.js';
import type { CheckContext } from './check-session.js';
import { askOverNetwork, resolveTopology } from './topology-probe.js';
import { elapsedMs, summarize } from './stats.js';
import { serverMessage } from '../common/server-message.js';

/**
 * Availability: is every member reachable, and how fast does it answer? Per endpoint:
 * connection time, ping round trips (p50/p95/p99/max over N samples) and the latency of
 * insert/find/update/delete/aggregate on a scratch collection that is dropped afterwards.
 * A replica is read-only: its writes are "not applicable", not failures.
 */

export const AVAILABILITY_OPS = ['insert', 'find', 'update', 'delete', 'aggregate'] as const;
export type AvailabilityOp = (typeof AVAILABILITY_OPS)[number];
const READ_OPS: AvailabilityOp[] = ['find', 'aggregate'];

type Latencies = Partial<Record<'connect' | 'ping' | AvailabilityOp, number[]>>;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return elapsedMs(start);
}

async function measureWrites(db: Db, collection: string, samples: number, lat: Latencies, signal?: AbortSignal): Promise<void> {
  // A unique scratch name: concurrent runs (CLI and monitor) never clean up each other's data.
  const name = `${collection}_${process.pid}_${Date.now().toString(36)}`;
  const coll = db.collection<{ _id: string; v: number; at: Date }>(name);
  try {
    for (let i = 0; i < samples && !signal?.aborted; i++) {
      const _id = `a${i}`;
      (lat.insert ??= []).push(await time(() => coll.insertOne({ _id, v: i, at: new Date() })));
      (lat.find ??= []).push(await time(() => coll.findOne({ _id })));
      (lat.update ??= []).push(await time(() => coll.updateOne({ _id }, { $set: { v: i + 1 } })));
      (lat.aggregate ??= []).push(await time(() => coll.aggregate([{ $match: { _id } }, { $project: { v: 1 } }]).toArray()));
      (lat.delete ??= []).push(await time(() => coll.deleteOne({ _id })));
    }
  } finally {
    // Harmless if it fails: the scratch collection holds only the probe's few documents, under a unique name.
    await coll.drop().catch(() => undefined);
  }
}

async function readCollectionOf(db: Db, configured: string | undefined): Promise<string> {
  if (configured) return configured;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => !n.startsWith('system.'));
  // A collection the replica knows; on an empty database the reads still make the round trip.
  return names.sort()[0] ?? '_proofline_none';
}

async function measureReads(db: Db, collection: string, samples: number, lat: Latencies, signal?: AbortSignal): Promise<void> {
  const coll = db.collection(collection);
  for (let i = 0; i < samples && !signal?.aborted; i++) {
    (lat.find ??= []).push(await time(() => coll.find({}).limit(1).toArray()));
    (lat.aggregate ??= []).push(await time(() => coll.aggregate([{ $limit: 1 }]).toArray()));
  }
}

async function checkEndpoint(b: ResultBuilder, endpoint: Endpoint, config: PipelineConfig, ctx: CheckContext, knownFailure?: Connected): Promise<Latencies> {
  const cfg = config.checks.availability;
  const labels = { endpoint: endpoint.label, host: endpoint.host, role: endpoint.role };
  const lat: Latencies = {};
  // A fresh client: this check times the connection itself.
  const conn = knownFailure ?? (await ctx.session.member(endpoint, { fresh: true }));
  if (!conn.ok) {
    b.measure('endpoint_up', 0, { labels });
    unreachableFinding(b, endpoint, conn.error, labels);
    (b.evidence.errors as Record<string, unknown>)[endpoint.label] = { code: conn.error.code, message: conn.error.message, hint: conn.error.hint ?? null };
    return lat;
  }
  const client = conn.client;
  try {
    b.measure('endpoint_up', 1, { labels });
    lat.connect = [conn.connectMs];
    const admin = client.db('admin');
    lat.ping = [];
    for (let i = 0; i < cfg.ping_samples && !ctx.signal?.aborted; i++) lat.ping.push(await time(() => admin.command({ ping: 1 })));
    const db = client.db(config.mongodb.database);
    if (endpoint.role === 'primary') {
      await measureWrites(db, cfg.scratch_collection, cfg.op_samples, lat, ctx.signal);
    } else {
      await measureReads(db, await readCollectionOf(db, cfg.read_collection), cfg.op_samples, lat, ctx.signal);
      b.finding(CheckStatus.PASS, `${describeEndpoint(endpoint)}: insert, update, delete not applicable on a read-only replica`, labels);
    }
  } catch (e) {
    b.finding(CheckStatus.FAIL, `${describeEndpoint(endpoint)}: an operation failed: ${serverMessage(e)}`, labels);
  }

  const connectKey = b.measure('connect_ms', conn.connectMs, { unit: 'ms', labels });
  b.judge(connectKey, '<=', cfg.connect_ms, `${describeEndpoint(endpoint)} connection time`);
  const ping = summarize(lat.ping ?? []);
  for (const p of ['p50', 'p95', 'p99', 'max'] as const) b.measure(`ping_ms_${p}`, ping[p], { unit: 'ms', labels });
  b.judge(`ping_ms_p95[${endpoint.label}]`, '<=', cfg.ping_p95_ms, `${describeEndpoint(endpoint)} ping p95`);
  const ops = endpoint.role === 'primary' ? AVAILABILITY_OPS : READ_OPS;
  for (const op of ops) {
    const s = summarize(lat[op] ?? []);
    const opLabels = { ...labels, op };
    for (const p of ['p50', 'p95', 'max'] as const) b.measure(`op_ms_${p}`, s[p], { unit: 'ms', labels: opLabels, key: `op_ms_${p}[${endpoint.label}/${op}]` });
    b.judge(`op_ms_p95[${endpoint.label}/${op}]`, '<=', cfg.op_p95_ms, `${describeEndpoint(endpoint)} ${op} p95`);
  }
  return lat;
}

export async function checkAvailability(config: PipelineConfig, ctx: CheckContext): Promise<CheckResult> {
  const b = new ResultBuilder('availability');
  // Behind a mongos every shard's members are measured too (src/checks/topology.ts).
  const topology = await resolveTopology(config, askOverNetwork(ctx.session));
  const endpoints = topology.groups.flatMap((g) => [g.primary, ...g.replicas]);
  for (const note of topology.notes) b.finding(CheckStatus.WARN, note);
  const latencies: Record<string, Latencies> = {};
  b.evidence.errors = {};
  b.evidence.topology = topology.kind;
  b.evidence.endpoints = endpoints.map(({ label, role, host, shard }) => ({ label, role, host, ...(shard ? { shard } : {}) }));
  for (const endpoint of endpoints) {
    const known: Connected | undefined = endpoint === topology.groups[0]!.primary && topology.primaryError ? { ok: false, error: topology.primaryError, connectMs: 0 } : undefined;
    latencies[endpoint.label] = await checkEndpoint(b, endpoint, config, ctx, known);
    ctx.logger?.debug({ endpoint: endpoint.label }, 'availability measured');
  }
  b.evidence.latencies_ms = latencies;
  return b.build((status) => {
    const up = endpoints.filter((e) => b.measurements[`endpoint_up[${e.label}]`]?.value === 1).length;
    const primaryPing = b.measurements['ping_ms_p95[primary]']?.value;
    const head = `${up}/${endpoints.length} endpoints reachable, primary ping p95 ${primaryPing ?? 'n/a'} ms`;
    return status === CheckStatus.PASS ? head : `${head}; ${firstProblem(b.findings)?.message ?? status}`;
  });
}
