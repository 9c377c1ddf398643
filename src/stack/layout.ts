import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the local stack lives and which ports it uses. Everything can be moved with
 * environment variables so that several stacks (a developer's and a test run's) can
 * coexist on one machine.
 */

export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

export interface StackLayout {
  root: string;
  toolsBin: string;
  logs: string;
  stateFile: string;
  pgPrimaryDir: string;
  pgReplicaDir: string;
  pgSocketDir: string;
  ferretPrimaryState: string;
  ferretReplicaState: string;
  ports: { primary: number; replica: number; pgPrimary: number; pgReplica: number; debugPrimary: number; debugReplica: number; mongodExtra: number };
  ferretdbVersion: string;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`${name} must be a TCP port (1-65535), got '${raw}'`);
  return n;
}

export function stackLayout(env: NodeJS.ProcessEnv = process.env): StackLayout {
  const root = resolve(env.PROOFLINE_STACK_DIR ?? join(projectRoot(), '.stack'));
  const primary = port(env, 'PROOFLINE_PRIMARY_PORT', 27017);
  const replica = port(env, 'PROOFLINE_REPLICA_PORT', 27018);
  return {
    root,
    toolsBin: resolve(env.PROOFLINE_TOOLS_BIN ?? join(projectRoot(), '.tools', 'bin')),
    logs: join(root, 'logs'),
    stateFile: join(root, 'state.json'),
    pgPrimaryDir: join(root, 'pg-primary'),
    pgReplicaDir: join(root, 'pg-replica'),
    pgSocketDir: join(root, 'pg-run'),
    ferretPrimaryState: join(root, 'ferretdb-primary'),
    ferretReplicaState: join(root, 'ferretdb-replica'),
    ports: {
      primary,
      replica,
      pgPrimary: port(env, 'PROOFLINE_PG_PRIMARY_PORT', 54320),
      pgReplica: port(env, 'PROOFLINE_PG_REPLICA_PORT', 54321),
      debugPrimary: port(env, 'PROOFLINE_DEBUG_PRIMARY_PORT', 28088),
      debugReplica: port(env, 'PROOFLINE_DEBUG_REPLICA_PORT', 28089),
      mongodExtra: port(env, 'PROOFLINE_MONGOD_EXTRA_PORT', 27019),
    },
    ferretdbVersion: env.PROOFLINE_FERRETDB_VERSION ?? 'v1.24.2',
  };
}
