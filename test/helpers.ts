import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams, type StdioOptions } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { stringify } from 'yaml';
import { currentStack, restartReplicaGateway } from '../src/stack/stack.js';
import { connect } from '../src/store/connection.js';

/** Shared helpers of the test suite: the stack's URIs, scratch databases, running the CLI. */

export const ROOT = resolve(import.meta.dirname, '..');
export const OUTPUT_DIR = join(ROOT, 'test-output');

export function outputPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, name);
}

export function stackUris(): { primary: string; replicas: string[]; postgresPrimary?: string } {
  const s = currentStack();
  return { primary: s.primaryUri, replicas: s.replicaUris, postgresPrimary: s.postgres?.primaryUrl };
}

let counter = 0;
/** A database name no other test uses. */
export function uniqueDb(prefix: string): string {
  counter += 1;
  return `t_${prefix}_${process.pid}_${Date.now().toString(36)}_${counter}`.slice(0, 60);
}

export async function primaryClient(): Promise<MongoClient> {
  return connect(stackUris().primary);
}

export async function replicaClient(index = 0): Promise<MongoClient> {
  return connect(stackUris().replicas[index]!);
}

/**
 * FerretDB v1 on the replica only knows collections that existed when it started:
 * after creating collections on the primary, restart the replica gateway (DESIGN.md).
 */
export async function makeCollectionsVisibleOnReplica(): Promise<void> {
  if (currentStack().kind === 'ferretdb') await restartReplicaGateway();
}

/** Node's promise timer under the name the callers use. */
export { sleep };

/** Poll until fn returns a truthy value or the deadline passes; returns the value and the time taken. */
export async function pollUntil<T>(fn: () => Promise<T>, timeoutMs: number, intervalMs = 10): Promise<{ value: T | undefined; elapsedMs: number }> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    const value = await fn();
    if (value) return { value, elapsedMs: performance.now() - start };
    await sleep(intervalMs);
  }
  return { value: undefined, elapsedMs: performance.now() - start };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the proofline CLI from source (tsx), as a user would run the built one. */
export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli(args, { env: options.env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`proofline ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 120_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A TCP port nobody listens on right now (the OS picks it): for servers a test starts, or as a closed port. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolvePort(port));
    });
  });
}

/** Start the proofline CLI from source (tsx) as a child process, for tests that signal, kill or pipe it. */
export function spawnCli(args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string }): ChildProcessWithoutNullStreams;
export function spawnCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; stdio: StdioOptions }): ChildProcess;
export function spawnCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; stdio?: StdioOptions } = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, PROOFLINE_LOG_PRETTY: '0', NO_COLOR: '1', ...options.env },
    stdio: options.stdio ?? ['pipe', 'pipe', 'pipe'],
  });
}

/** Signal a child and wait until it has exited; resolves with its exit code (null when a signal ended it). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill(signal);
  return exited;
}

/**
 * A primary client for the file (or describe block) it is called in, and the scratch
 * databases the tests register in `dbs`: all dropped, and the client closed, afterwards.
 */
export function scratchDatabases(): { readonly client: MongoClient; readonly dbs: string[] } {
  let client: MongoClient | undefined;
  const dbs: string[] = [];
  beforeAll(async () => {
    client = await primaryClient();
  });
  afterAll(async () => {
    for (const d of dbs) await client?.db(d).dropDatabase().catch(() => undefined);
    await client?.close();
  });
  return {
    get client(): MongoClient {
      if (!client) throw new Error('scratchDatabases(): the client exists only once beforeAll has run');
      return client;
    },
    dbs,
  };
}

/**
 * A private copy of examples/weather whose pipeline writes to `database` (the URI comes
 * from MONGODB_URI at run time), so a test can sync the real example without touching
 * the committed files. Returns the copied pipeline.yaml.
 */
export function weatherExampleCopy(database: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pl-weather-'));
  cpSync(join(ROOT, 'examples/weather'), dir, { recursive: true });
  const file = join(dir, 'pipeline.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('database: weather', `database: ${database}`));
  return file;
}

/** Write a pipeline config object as the YAML a user would write; returns the file (by default pipeline.yaml in a fresh temp folder). */
export function writePipelineYaml(raw: unknown, file = join(mkdtempSync(join(tmpdir(), 'pl-pipeline-')), 'pipeline.yaml')): string {
  writeFileSync(file, stringify(raw));
  return file;
}
