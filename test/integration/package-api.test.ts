import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, stackUris } from '../helpers.js';

/**
 * The built package as a user's project imports it: `import … from 'proofline'` through
 * package.json `exports` (a project whose node_modules/proofline is this package), in
 * JavaScript against the local stack, and in TypeScript against the emitted declarations.
 */

const run = promisify(execFile);
const project = mkdtempSync(join(tmpdir(), 'pl-user-'));
mkdirSync(join(project, 'node_modules'));
symlinkSync(ROOT, join(project, 'node_modules', 'proofline'), 'dir');
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe("proofline's public API", () => {
  it('loads a pipeline, runs a check on the stack and renders it, from the package name', async () => {
    writeFileSync(
      join(project, 'use.mjs'),
      `import { loadConfig, checkStreams, runChecks, renderJunit, latestRuns, ProoflineError, ErrorCode } from 'proofline';
const config = loadConfig(${JSON.stringify(join(ROOT, 'examples/weather/pipeline.yaml'))});
checkStreams(config);
const [availability] = await runChecks(config, ['availability']);
let deepImportRefused = false;
try { await import('proofline/dist/sync/run-sync.js'); } catch (e) { deepImportRefused = e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED'; }
console.log(JSON.stringify({
  streams: config.streams.map((s) => s.name),
  availability: availability.status,
  junit: renderJunit([availability]).includes('<testsuite'),
  functions: [typeof latestRuns, typeof ProoflineError, typeof ErrorCode.CONFIG_INVALID],
  deepImportRefused,
}));
`,
    );
    const { stdout } = await run(process.execPath, ['use.mjs'], { cwd: project, env: { ...process.env, MONGODB_URI: stackUris().primary, MONGODB_REPLICA_URIS: stackUris().replicas.join(',') } });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      streams: ['infoclimat_hourly', 'wunderground_hourly', 'infoclimat_stations', 'wunderground_stations'],
      availability: 'pass',
      junit: true,
      functions: ['function', 'function', 'string'],
      deepImportRefused: true,
    });
  }, 60_000);

  it('type-checks a TypeScript consumer against the emitted declarations', async () => {
    writeFileSync(
      join(project, 'use.ts'),
      `import { runSync, type CheckResult, type SyncReport, type PipelineConfig } from 'proofline';
export async function nightly(config: PipelineConfig): Promise<number> {
  const report: SyncReport = await runSync(config, { streams: ['infoclimat_hourly'] });
  return report.streams.filter((s) => s.status !== 'failed').reduce((n, s) => n + s.inserted, 0);
}
export const failing = (results: CheckResult[]): string[] => results.filter((r) => r.status === 'fail').map((r) => r.name);
`,
    );
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')] }, files: ['use.ts'] }));
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const r = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project }).catch((e: { stdout: string; code: number }) => ({ stdout: e.stdout, code: e.code }));
    expect(r.stdout).toBe('');
  }, 120_000);
});
