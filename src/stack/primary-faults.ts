import { ErrorCode, ProoflineError } from '../errors.js';
import * as ferret from './ferretdb.js';
import { stackLayout } from './layout.js';
import * as pgs from './postgres.js';
import { waitFor } from './processes.js';
import { answersHello, gateways, primaryUri, requireState, startGatewayIfNeeded } from './stack.js';
import { writeState } from './state.js';

/**
 * Outages of the write side, for the fault suite (test/reliability/outage): the primary's
 * FerretDB gateway stopped (clients get "connection refused"), or the PostgreSQL behind
 * it stopped (FerretDB stays up and answers with backend errors). FerretDB stack only.
 */

type Env = { env?: NodeJS.ProcessEnv };

function ferretState(o: Env) {
  const l = stackLayout(o.env);
  const state = requireState(l);
  if (state.kind !== 'ferretdb') throw new ProoflineError(ErrorCode.UNSUPPORTED, 'primary outages are only injected on the FerretDB stack');
  return { l, state };
}

export async function stopPrimaryGateway(o: Env = {}): Promise<void> {
  const { l, state } = ferretState(o);
  await ferret.stopGateway(state.pids.ferretPrimary, gateways(l).primary);
  writeState(l, { ...state, pids: { ...state.pids, ferretPrimary: undefined } });
}

export async function startPrimaryGateway(o: Env = {}): Promise<void> {
  const { l, state } = ferretState(o);
  const pid = await startGatewayIfNeeded(l, gateways(l).primary, state.pids.ferretPrimary);
  writeState(l, { ...state, pids: { ...state.pids, ferretPrimary: pid } });
  await waitFor('FerretDB primary gateway', () => answersHello(primaryUri(l)), 60_000, `${l.logs}/ferretdb-primary.log`);
}

export async function stopPrimaryPostgres(o: Env = {}): Promise<void> {
  const { l, state } = ferretState(o);
  const bin = pgs.postgresBinDir();
  if (!bin) throw new ProoflineError(ErrorCode.STACK_FAILED, 'PostgreSQL binaries not found');
  await pgs.stopPostgres(bin, l.pgPrimaryDir);
  writeState(l, { ...state, pids: { ...state.pids, pgPrimary: undefined } });
}

export async function startPrimaryPostgres(o: Env = {}): Promise<void> {
  const { l, state } = ferretState(o);
  const bin = await pgs.ensurePostgresInstalled(() => undefined);
  const pid = await pgs.startPostgres(bin, l.pgPrimaryDir, l.ports.pgPrimary, l, 'pg-primary');
  writeState(l, { ...state, pids: { ...state.pids, pgPrimary: pid } });
  await waitFor('FerretDB primary gateway over PostgreSQL', () => answersHello(primaryUri(l)), 60_000, `${l.logs}/ferretdb-primary.log`);
}
