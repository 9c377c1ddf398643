import { existsSync, readdirSync, readFileSync, appendFileSync, mkdirSync, chownSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { ErrorCode, ProoflineError } from '../errors.js';
import { asPostgres, isAlive, isRoot, run, waitFor } from './processes.js';
import type { StackLayout } from './layout.js';

/**
 * PostgreSQL primary and streaming standby, the storage under the FerretDB gateways.
 * Binaries come from Debian's postgresql package; the servers run as the `postgres`
 * user, their data under the stack folder.
 */

export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.PROOFLINE_PG_BIN && existsSync(join(env.PROOFLINE_PG_BIN, 'postgres'))) return env.PROOFLINE_PG_BIN;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], 'bin');
  }
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'postgres'))) return dir;
  } catch {
    /* not on PATH */
  }
  return null;
}

export async function ensurePostgresInstalled(log: (msg: string) => void): Promise<string> {
  const found = postgresBinDir();
  if (found) return found;
  if (!isRoot()) {
    throw new ProoflineError(ErrorCode.STACK_FAILED, 'PostgreSQL server binaries not found', {
      hint: 'Install PostgreSQL (Debian: apt-get install postgresql) or set PROOFLINE_PG_BIN to its bin folder.',
    });
  }
  log('installing PostgreSQL with apt-get (binaries not found)');
  await run('apt-get', ['update', '-q'], { timeoutMs: 900_000 });
  await run('apt-get', ['install', '-y', '-q', 'postgresql'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeoutMs: 900_000 });
  const dir = postgresBinDir();
  if (!dir) throw new ProoflineError(ErrorCode.STACK_FAILED, 'apt-get installed postgresql but its server binaries are still not found');
  return dir;
}

/** Data folders must belong to the user the server runs as. */
export function ownedByPostgres(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
}

export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function initPrimary(bin: string, layout: StackLayout): Promise<void> {
  const dir = layout.pgPrimaryDir;
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  ownedByPostgres(dir);
  const [cmd, args] = asPostgres(join(bin, 'initdb'), ['-D', dir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-instructions']);
  await run(cmd, args);
  appendFileSync(
    join(dir, 'postgresql.conf'),
    [
      '',
      '# proofline local stack',
      "listen_addresses = '127.0.0.1'",
      'wal_level = replica',
      'max_wal_senders = 10',
      'wal_keep_size = 256MB',
      'hot_standby = on',
      // A disposable local stack: no fsync. synchronous_commit stays on (cheap without
      // fsync) because with it off, WAL reaches the standby only at each wal_writer_delay
      // tick, which would add ~200 ms of artificial replication lag to every measurement.
      'fsync = off',
      'wal_writer_delay = 10ms',
      'full_page_writes = off',
      'max_connections = 200',
      'shared_buffers = 256MB',
      '',
    ].join('\n'),
  );
  appendFileSync(join(dir, 'pg_hba.conf'), '\nhost all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n');
}

export async function startPostgres(bin: string, dataDir: string, port: number, layout: StackLayout, name: string): Promise<number> {
  const existing = postmasterPid(dataDir);
  if (existing) return existing;
  ownedByPostgres(layout.pgSocketDir);
  ownedByPostgres(layout.logs);
  const logFile = join(layout.logs, `${name}.log`);
  const [cmd, args] = asPostgres(join(bin, 'pg_ctl'), ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port} -k ${layout.pgSocketDir}`]);
  await run(cmd, args, { cwd: layout.root });
  await waitFor(`PostgreSQL ${name} on port ${port}`, async () => (await pgQuery(port, 'SELECT 1')) !== undefined, 30_000, logFile);
  const pid = postmasterPid(dataDir);
  if (!pid) throw new ProoflineError(ErrorCode.STACK_FAILED, `PostgreSQL ${name} started but wrote no postmaster.pid`);
  return pid;
}

export async function stopPostgres(bin: string, dataDir: string): Promise<void> {
  if (!postmasterPid(dataDir)) return;
  const [cmd, args] = asPostgres(join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'fast', '-w', '-t', '60']);
  await run(cmd, args);
}

export async function pgQuery<T = Record<string, unknown>>(port: number, sql: string, database = 'postgres'): Promise<T[] | undefined> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    const res = await client.query(sql);
    return res.rows as T[];
  } finally {
    // The query's answer (or error) is what the caller gets; a failed disconnect cannot change it.
    await client.end().catch(() => undefined);
  }
}

export async function ensureDatabase(port: number, name: string): Promise<void> {
  const rows = await pgQuery(port, `SELECT 1 FROM pg_database WHERE datname = '${name.replace(/'/g, "''")}'`);
  if (!rows?.length) await pgQuery(port, `CREATE DATABASE "${name.replace(/"/g, '""')}"`);
}

/** A standby is a base backup of the primary with recovery settings (-R) and its own port. */
export async function initReplica(bin: string, layout: StackLayout): Promise<void> {
  const dir = layout.pgReplicaDir;
  if (existsSync(join(dir, 'PG_VERSION'))) return;
  ownedByPostgres(dir);
  const [cmd, args] = asPostgres(join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(layout.ports.pgPrimary), '-U', 'postgres', '-D', dir, '-R', '-X', 'stream', '-c', 'fast']);
  await run(cmd, args);
  appendFileSync(join(dir, 'postgresql.conf'), `\n# proofline standby\nport = ${layout.ports.pgReplica}\nhot_standby_feedback = on\n`);
}

export async function setReplayPaused(port: number, paused: boolean): Promise<void> {
  await pgQuery(port, paused ? 'SELECT pg_wal_replay_pause()' : 'SELECT pg_wal_replay_resume()');
}

export async function replayPaused(port: number): Promise<boolean | undefined> {
  // A standby that does not answer has no known replay state: undefined says so to the caller.
  const rows = await pgQuery<{ paused: boolean }>(port, 'SELECT pg_is_wal_replay_paused() AS paused').catch(() => undefined);
  return rows?.[0]?.paused;
}
