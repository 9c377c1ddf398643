import { mkdirSync, chmodSync } from 'node:fs';
import { closeQuietly } from '../store/connection.js';
import { MongoClient } from 'mongodb';
import { ErrorCode, ProoflineError } from '../errors.js';
import { stackLayout, type StackLayout } from './layout.js';
import { readState, writeState, type StackState } from './state.js';
import { portOpen, waitFor, isAlive } from './processes.js';
import * as pgs from './postgres.js';
import * as ferret from './ferretdb.js';
import * as mongod from './mongod.js';
import { ensureSmokeCollection } from './smoke.js';
import { ensureIdIndexTrigger } from './id-index.js';

/**
 * The local stack manager behind `proofline stack ...`, shared by the tests, the demo
 * and people. FerretDB over a PostgreSQL primary (writes, :27017) and FerretDB over a
 * streaming standby (reads, :27018); or a real 3-member replica set where mongod exists.
 */

export type Log = (msg: string) => void;
const quiet: Log = () => undefined;

const FERRET_DB = 'ferretdb';

export const primaryUri = (l: StackLayout): string => `mongodb://127.0.0.1:${l.ports.primary}/`;
const replicaUri = (l: StackLayout): string => `mongodb://127.0.0.1:${l.ports.replica}/`;

export function gateways(l: StackLayout): { primary: ferret.GatewaySpec; replica: ferret.GatewaySpec } {
  return {
    primary: { name: 'ferretdb-primary', port: l.ports.primary, debugPort: l.ports.debugPrimary, pgPort: l.ports.pgPrimary, stateDir: l.ferretPrimaryState },
    replica: { name: 'ferretdb-replica', port: l.ports.replica, debugPort: l.ports.debugReplica, pgPort: l.ports.pgReplica, stateDir: l.ferretReplicaState },
  };
}

/** Does the endpoint answer the MongoDB `hello` command? */
export async function answersHello(uri: string, timeoutMs = 1_500): Promise<boolean> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs, directConnection: true });
  try {
    await client.connect();
    const r = await client.db('admin').command({ hello: 1 });
    return r.ok === 1;
  } catch {
    return false;
  } finally {
    await closeQuietly(client);
  }
}

function prepareRoot(l: StackLayout): void {
  mkdirSync(l.root, { recursive: true });
  mkdirSync(l.logs, { recursive: true });
  // The postgres user must be able to traverse into its data folders.
  chmodSync(l.root, 0o755);
  chmodSync(l.logs, 0o777);
}

export async function startGatewayIfNeeded(l: StackLayout, spec: ferret.GatewaySpec, pid: number | undefined): Promise<number> {
  if (ferret.isOurGateway(pid, spec)) return pid;
  if (await portOpen(spec.port)) {
    throw new ProoflineError(ErrorCode.STACK_FAILED, `port ${spec.port} is already used by another process`, {
      hint: 'Stop it, or move the stack with PROOFLINE_PRIMARY_PORT / PROOFLINE_REPLICA_PORT.',
    });
  }
  return ferret.startGateway(l, spec);
}

async function upFerret(l: StackLayout, log: Log): Promise<StackState> {
  const bin = await pgs.ensurePostgresInstalled(log);
  const version = await ferret.ensureFerretdbInstalled(l, log);
  const previous = readState(l);
  const pids: Record<string, number | undefined> = { ...(previous?.kind === 'ferretdb' ? previous.pids : {}) };

  await pgs.initPrimary(bin, l);
  pids.pgPrimary = await pgs.startPostgres(bin, l.pgPrimaryDir, l.ports.pgPrimary, l, 'pg-primary');
  await pgs.ensureDatabase(l.ports.pgPrimary, FERRET_DB);
  await ensureIdIndexTrigger(l.ports.pgPrimary, FERRET_DB);
  await pgs.initReplica(bin, l);
  pids.pgReplica = await pgs.startPostgres(bin, l.pgReplicaDir, l.ports.pgReplica, l, 'pg-replica');

  const gw = gateways(l);
  pids.ferretPrimary = await startGatewayIfNeeded(l, gw.primary, pids.ferretPrimary);
  await waitFor('FerretDB primary gateway', () => answersHello(primaryUri(l)), 60_000, `${l.logs}/ferretdb-primary.log`);
  // The replica gateway only sees collections that exist when it starts (FerretDB v1
  // caches metadata), so the smoke marker collection is created before it.
  await ensureSmokeCollection(primaryUri(l));
  pids.ferretReplica = await startGatewayIfNeeded(l, gw.replica, pids.ferretReplica);

  const state: StackState = {
    kind: 'ferretdb',
    pids,
    primaryUri: primaryUri(l),
    replicaUris: [replicaUri(l)],
    postgres: {
      primaryUrl: `postgres://postgres@127.0.0.1:${l.ports.pgPrimary}/${FERRET_DB}`,
      replicaUrl: `postgres://postgres@127.0.0.1:${l.ports.pgReplica}/${FERRET_DB}`,
    },
    ferretdbVersion: version,
    startedAt: previous?.startedAt ?? new Date().toISOString(),
  };
  writeState(l, state);
  await waitFor('FerretDB replica gateway', () => answersHello(state.replicaUris[0]!), 60_000, `${l.logs}/ferretdb-replica.log`);
  return state;
}

async function upMongod(bin: string, l: StackLayout): Promise<StackState> {
  const previous = readState(l);
  const pids: Record<string, number | undefined> = { ...(previous?.kind === 'mongod' ? previous.pids : {}) };
  for (const port of mongod.memberPorts(l)) {
    const key = `mongod${port}`;
    if (!mongod.isOurMongod(pids[key], port)) pids[key] = mongod.startMember(bin, l, port);
  }
  const [p, ...rest] = mongod.memberPorts(l);
  const state: StackState = {
    kind: 'mongod',
    pids,
    primaryUri: mongod.memberUri(p!),
    replicaUris: rest.map(mongod.memberUri),
    startedAt: previous?.startedAt ?? new Date().toISOString(),
  };
  writeState(l, state);
  await mongod.initiateReplicaSet(l);
  return state;
}

export async function stackUp(options: { log?: Log; env?: NodeJS.ProcessEnv } = {}): Promise<StackState> {
  const l = stackLayout(options.env);
  const log = options.log ?? quiet;
  prepareRoot(l);
  const bin = mongod.findMongod(options.env);
  if (bin) {
    log(`real mongod found at ${bin}: starting a 3-member replica set`);
    return upMongod(bin, l);
  }
  return upFerret(l, log);
}

export interface StopResult {
  stopped: string[];
  portsFree: boolean;
}

export async function stackDown(options: { env?: NodeJS.ProcessEnv } = {}): Promise<StopResult> {
  const l = stackLayout(options.env);
  const state = readState(l);
  const stopped: string[] = [];
  if (state?.kind === 'mongod') {
    for (const port of mongod.memberPorts(l).reverse()) {
      const pid = state.pids[`mongod${port}`];
      if (mongod.isOurMongod(pid, port)) {
        await mongod.stopMember(pid, port);
        stopped.push(`mongod:${port}`);
      }
    }
  } else if (state) {
    const gw = gateways(l);
    for (const [key, spec] of [['ferretReplica', gw.replica], ['ferretPrimary', gw.primary]] as const) {
      if (ferret.isOurGateway(state.pids[key], spec)) {
        await ferret.stopGateway(state.pids[key], spec);
        stopped.push(spec.name);
      }
    }
    const bin = pgs.postgresBinDir();
    if (bin) {
      for (const [name, dir] of [['pg-replica', l.pgReplicaDir], ['pg-primary', l.pgPrimaryDir]] as const) {
        if (pgs.postmasterPid(dir)) {
          await pgs.stopPostgres(bin, dir);
          stopped.push(name);
        }
      }
    }
  }
  if (state) writeState(l, { ...state, pids: {} });
  const ports = state?.kind === 'mongod' ? mongod.memberPorts(l) : [l.ports.primary, l.ports.replica, l.ports.pgPrimary, l.ports.pgReplica];
  const open = await Promise.all(ports.map((p) => portOpen(p)));
  return { stopped, portsFree: open.every((o) => !o) };
}

export interface ComponentStatus {
  name: string;
  pid: number | null;
  running: boolean;
  endpoint: string;
  healthy: boolean;
  detail?: string;
}

export interface StackStatus {
  kind: StackState['kind'] | 'none';
  up: boolean;
  primaryUri: string | null;
  replicaUris: string[];
  components: ComponentStatus[];
}

export async function stackStatus(options: { env?: NodeJS.ProcessEnv } = {}): Promise<StackStatus> {
  const l = stackLayout(options.env);
  const state = readState(l);
  if (!state) return { kind: 'none', up: false, primaryUri: null, replicaUris: [], components: [] };
  const components: ComponentStatus[] = [];
  if (state.kind === 'mongod') {
    for (const port of mongod.memberPorts(l)) {
      const pid = state.pids[`mongod${port}`];
      const running = mongod.isOurMongod(pid, port);
      const uri = mongod.memberUri(port);
      components.push({ name: `mongod:${port}`, pid: running ? pid : null, running, endpoint: uri, healthy: running && (await answersHello(uri)) });
    }
  } else {
    for (const [name, dir, port] of [['pg-primary', l.pgPrimaryDir, l.ports.pgPrimary], ['pg-replica', l.pgReplicaDir, l.ports.pgReplica]] as const) {
      const pid = pgs.postmasterPid(dir);
      const healthy = pid !== undefined && (await pgs.pgQuery(port, 'SELECT 1').then(() => true, () => false));
      const paused = name === 'pg-replica' && healthy ? await pgs.replayPaused(port) : undefined;
      components.push({
        name,
        pid: pid ?? null,
        running: pid !== undefined,
        endpoint: `postgres://127.0.0.1:${port}`,
        healthy,
        ...(paused ? { detail: 'WAL replay paused' } : {}),
      });
    }
    const gw = gateways(l);
    for (const [key, spec] of [['ferretPrimary', gw.primary], ['ferretReplica', gw.replica]] as const) {
      const pid = state.pids[key];
      const running = ferret.isOurGateway(pid, spec);
      const uri = `mongodb://127.0.0.1:${spec.port}/`;
      components.push({ name: spec.name, pid: running ? pid : null, running, endpoint: uri, healthy: running && (await answersHello(uri)) });
    }
  }
  return {
    kind: state.kind,
    up: components.length > 0 && components.every((c) => c.healthy),
    primaryUri: state.primaryUri,
    replicaUris: state.replicaUris,
    components,
  };
}

export function requireState(l: StackLayout): StackState {
  const state = readState(l);
  if (!state) throw new ProoflineError(ErrorCode.STACK_FAILED, 'the local stack is not up', { hint: 'Run `proofline stack up` first.' });
  return state;
}

/** Fault switches, for tests and demos. */
export async function setReplicationPaused(paused: boolean, options: { env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  const l = stackLayout(options.env);
  const state = requireState(l);
  if (state.kind === 'mongod') return mongod.setReplicationPaused(l, paused);
  await pgs.setReplayPaused(l.ports.pgReplica, paused);
}

export async function stopReplica(options: { env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  const l = stackLayout(options.env);
  const state = requireState(l);
  if (state.kind === 'mongod') {
    const port = l.ports.replica;
    await mongod.stopMember(state.pids[`mongod${port}`], port);
    writeState(l, { ...state, pids: { ...state.pids, [`mongod${port}`]: undefined } });
    return;
  }
  const gw = gateways(l);
  await ferret.stopGateway(state.pids.ferretReplica, gw.replica);
  const bin = pgs.postgresBinDir();
  if (bin) await pgs.stopPostgres(bin, l.pgReplicaDir);
  writeState(l, { ...state, pids: { ...state.pids, ferretReplica: undefined, pgReplica: undefined } });
}

export async function startReplica(options: { env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  const l = stackLayout(options.env);
  const state = requireState(l);
  if (state.kind === 'mongod') {
    const bin = mongod.findMongod(options.env);
    if (!bin) throw new ProoflineError(ErrorCode.STACK_FAILED, 'mongod is no longer found');
    const port = l.ports.replica;
    const pid = mongod.startMember(bin, l, port);
    writeState(l, { ...state, pids: { ...state.pids, [`mongod${port}`]: pid } });
    await waitFor(`mongod on ${port}`, () => answersHello(mongod.memberUri(port)), 60_000);
    return;
  }
  const bin = await pgs.ensurePostgresInstalled(quiet);
  const pgReplica = await pgs.startPostgres(bin, l.pgReplicaDir, l.ports.pgReplica, l, 'pg-replica');
  const gw = gateways(l);
  const ferretReplica = await startGatewayIfNeeded(l, gw.replica, state.pids.ferretReplica);
  writeState(l, { ...state, pids: { ...state.pids, pgReplica, ferretReplica } });
  await waitFor('FerretDB replica gateway', () => answersHello(state.replicaUris[0]!), 60_000, `${l.logs}/ferretdb-replica.log`);
}

/** FerretDB v1 caches collection metadata at connect: restart it to see new collections. */
export async function restartReplicaGateway(options: { env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  const l = stackLayout(options.env);
  const state = requireState(l);
  if (state.kind === 'mongod') return;
  const gw = gateways(l);
  await ferret.stopGateway(state.pids.ferretReplica, gw.replica);
  const pid = ferret.startGateway(l, gw.replica);
  writeState(l, { ...state, pids: { ...state.pids, ferretReplica: pid } });
  await waitFor('FerretDB replica gateway', () => answersHello(state.replicaUris[0]!), 60_000, `${l.logs}/ferretdb-replica.log`);
}

/** The URIs of a running stack, for tests and the demo. */
export function currentStack(env: NodeJS.ProcessEnv = process.env): StackState {
  return requireState(stackLayout(env));
}

export { isAlive };
