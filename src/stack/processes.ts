import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, execFile, type SpawnOptions } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';
import { ErrorCode, ProoflineError } from '../errors.js';

/** Process plumbing for the stack: run commands, start daemons, stop them by pid. */

const execFileAsync = promisify(execFile);

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` user. */
export function asPostgres(cmd: string, args: string[]): [string, string[]] {
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
}

export async function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  try {
    const { stdout } = await execFileAsync(cmd, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      timeout: options.timeoutMs ?? 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    const output = `${err.stderr ?? ''}${err.stdout ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new ProoflineError(ErrorCode.STACK_FAILED, `command failed: ${cmd} ${args.join(' ')}\n${output || err.message}`, { cause: e });
  }
}

/** Start a long-running process detached from us, its output appended to a log file. */
export function startDaemon(cmd: string, args: string[], logFile: string, options: SpawnOptions = {}): number {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(cmd, args, { ...options, detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    if (child.pid === undefined) throw new ProoflineError(ErrorCode.STACK_FAILED, `could not start ${cmd}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number | undefined): pid is number {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie is not alive for our purposes.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return true;
  }
}

/** The command line of a pid, to make sure a recorded pid still belongs to the process we started. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Node's promise timer under the name the callers use. */
export { sleep };

/** SIGTERM, then SIGKILL after a grace period. Only ever by pid. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  while (isAlive(pid)) await sleep(50);
}

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs: number, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // Not ready yet is what a failing probe means here; the deadline below reports a real failure.
    if (await probe().catch(() => false)) return;
    await sleep(200);
  }
  let tail = '';
  if (logFile) {
    try {
      tail = `\nlast lines of ${logFile}:\n${readFileSync(logFile, 'utf8').trim().split('\n').slice(-10).join('\n')}`;
    } catch {
      /* no log yet */
    }
  }
  throw new ProoflineError(ErrorCode.STACK_FAILED, `${what} did not become ready within ${timeoutMs / 1000}s${tail}`);
}
