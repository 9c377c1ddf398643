import type { PipelineConfig } from '../config/load.js';
import { CheckStatus, type CheckResult } from './result.js';
import { ResultBuilder, firstProblem } from './builder.js';
import { unreachableFinding, type Connected, type Endpoint } from './endpoints.js';
import { askOverNetwork, resolveTopology } from './topology-probe.js';
import type { CheckContext } from './check-session.js';
import { knowsCollection, visibleOn, type Member } from './replication-members.js';
import { markers } from './replication-markers.js';
import { measureServerLag } from './replication-server-lag.js';
import { updateProbe } from './replication-update-probe.js';
import { divergence } from './replication-divergence.js';

/**
 * Replication: do writes on the primary reach every replica, and how fast? Per replica set
 * (one, or one per shard behind a mongos), four sub-checks, one file each: markers
 * (replication-markers.ts), the server's own lag figure (replication-server-lag.ts), an
 * update of a real document read back on every member (replication-update-probe.ts), and
 * a count + content-hash comparison of a time window (replication-divergence.ts).
 */

/** One replica set: markers, server lag, update visibility and divergence, from its primary to its replicas. */
async function measureReplicaSet(b: ResultBuilder, primaryEndpoint: Endpoint, replicaEndpoints: Endpoint[], config: PipelineConfig, ctx: CheckContext, knownFailure?: Connected): Promise<void> {
  const cfg = config.checks.replication;
  const p = knownFailure ?? (await ctx.session.member(primaryEndpoint));
  if (!p.ok) {
    unreachableFinding(b, primaryEndpoint, p.error, { endpoint: primaryEndpoint.label });
    return;
  }
  const members: Member[] = [];
  for (const e of replicaEndpoints) {
    const c = await ctx.session.member(e);
    const labels = { endpoint: e.label, host: e.host };
    b.measure('replica_up', c.ok ? 1 : 0, { labels });
    if (c.ok) members.push({ endpoint: e, client: c.client });
    else unreachableFinding(b, e, c.error, labels);
  }
  const dbName = config.mongodb.database;
  if (!(await knowsCollection(p.client, dbName, cfg.marker_collection))) {
    // Another run may create it at the same moment; if creating really failed, the marker writes say so.
    await p.client.db(dbName).createCollection(cfg.marker_collection).catch(() => undefined);
  }
  const ready = await visibleOn(b, members, dbName, cfg.marker_collection, 'replication markers');
  await markers(b, p.client, ready, config, ctx);

  await measureServerLag(b, p.client, primaryEndpoint, config);

  await updateProbe(b, p.client, ready, config, ctx);
  await divergence(b, p.client, ready, config);
}

export async function checkReplication(config: PipelineConfig, ctx: CheckContext): Promise<CheckResult> {
  const b = new ResultBuilder('replication');
  // One group for the configured deployment; behind a mongos, one more per shard replica set.
  const topology = await resolveTopology(config, askOverNetwork(ctx.session));
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
