import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync, chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, ProoflineError } from '../errors.js';
import { commandLine, isAlive, run, startDaemon, stopPid } from './processes.js';
import type { StackLayout } from './layout.js';

/**
 * FerretDB gateways, built from source with Go into the project's .tools folder.
 *
 * Why not plain `go install ...@v1.24.2`: the binary it produces panics at start-up,
 * because FerretDB embeds build/version/version.txt, which only its release tooling
 * writes. We therefore copy the exact module version from Go's module cache, write that
 * file, and `go build` it: the same source, with its version recorded.
 */

export const FALLBACK_FERRETDB_VERSIONS = ['v1.24.2', 'v1.24.1'];

export function ferretdbBinary(layout: StackLayout): string {
  return join(layout.toolsBin, 'ferretdb');
}

async function installedVersion(bin: string): Promise<string | null> {
  if (!existsSync(bin)) return null;
  try {
    const out = await run(bin, ['--version'], { timeoutMs: 10_000 });
    return /version:\s*(\S+)/.exec(out)?.[1] ?? null;
  } catch {
    return null;
  }
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) makeWritable(p);
    else chmodSync(p, 0o644);
  }
}

async function build(version: string, layout: StackLayout): Promise<void> {
  const json = await run('go', ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${version}`], { timeoutMs: 900_000 });
  const dir = (JSON.parse(json) as { Dir?: string }).Dir;
  if (!dir) throw new ProoflineError(ErrorCode.STACK_FAILED, `go mod download gave no source folder for FerretDB ${version}`);
  const src = join(layout.toolsBin, '..', 'src', `ferretdb-${version}`);
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  cpSync(dir, src, { recursive: true });
  makeWritable(src);
  writeFileSync(join(src, 'build', 'version', 'version.txt'), `${version}\n`);
  mkdirSync(layout.toolsBin, { recursive: true });
  await run('go', ['build', '-o', ferretdbBinary(layout), './cmd/ferretdb'], { cwd: src, timeoutMs: 1_800_000, env: { ...process.env, CGO_ENABLED: '0' } });
}

/** Build FerretDB if the binary is missing or another version; returns the version built. */
export async function ensureFerretdbInstalled(layout: StackLayout, log: (msg: string) => void): Promise<string> {
  const bin = ferretdbBinary(layout);
  const wanted = [layout.ferretdbVersion, ...FALLBACK_FERRETDB_VERSIONS.filter((v) => v !== layout.ferretdbVersion)];
  const have = await installedVersion(bin);
  if (have && wanted.includes(have)) return have;
  const errors: string[] = [];
  for (const version of wanted) {
    log(`building FerretDB ${version} with Go into ${layout.toolsBin} (first run only)`);
    try {
      await build(version, layout);
      const got = await installedVersion(bin);
      if (got) return got;
      errors.push(`${version}: built binary does not run`);
    } catch (e) {
      errors.push(`${version}: ${(e as Error).message}`);
    }
  }
  throw new ProoflineError(ErrorCode.STACK_FAILED, `could not build FerretDB:\n${errors.join('\n')}`, {
    hint: 'FerretDB is built with `go` from the Go module proxy; check that Go is installed and the proxy is reachable.',
  });
}

export interface GatewaySpec {
  name: string;
  port: number;
  debugPort: number;
  pgPort: number;
  stateDir: string;
}

/** Is this pid the gateway we started (and not some process that reused its pid)? */
export function isOurGateway(pid: number | undefined, spec: GatewaySpec): pid is number {
  return isAlive(pid) && commandLine(pid).includes(`--listen-addr=127.0.0.1:${spec.port}`);
}

export function startGateway(layout: StackLayout, spec: GatewaySpec): number {
  mkdirSync(spec.stateDir, { recursive: true });
  mkdirSync(layout.logs, { recursive: true });
  return startDaemon(
    ferretdbBinary(layout),
    [
      `--listen-addr=127.0.0.1:${spec.port}`,
      '--handler=postgresql',
      `--postgresql-url=postgres://postgres@127.0.0.1:${spec.pgPort}/ferretdb`,
      '--telemetry=disable',
      `--debug-addr=127.0.0.1:${spec.debugPort}`,
      `--state-dir=${spec.stateDir}`,
      '--log-level=warn',
      '--log-format=json',
    ],
    join(layout.logs, `${spec.name}.log`),
  );
}

export async function stopGateway(pid: number | undefined, spec: GatewaySpec): Promise<void> {
  if (isOurGateway(pid, spec)) await stopPid(pid);
}
