import { execFile, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, freePort, outputPath, pollUntil, spawnCli, stackUris, stopChild, uniqueDb, writePipelineYaml } from '../../helpers.js';
import { parseDockerfile } from './compose-files.js';

/**
 * The image's HEALTHCHECK command, exactly as the Dockerfile writes it, run against a
 * real `proofline monitor` on the local stack: healthy while it serves /healthz,
 * unhealthy once it is gone.
 */

const run = promisify(execFile);

function healthcheckCommand(): string[] {
  const { stages } = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  const hc = stages[stages.length - 1]!.instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
  return JSON.parse(/CMD (\[.*\])$/.exec(hc.args)![1]!) as string[];
}


async function healthcheck(port: number): Promise<number> {
  const [cmd, ...args] = healthcheckCommand();
  // `node` in the image is the same Node.js major as the one running the tests.
  const bin = cmd === 'node' ? process.execPath : cmd!;
  try {
    await run(bin, args, { env: { ...process.env, PROOFLINE_HEALTH_PORT: String(port) }, timeout: 10_000 });
    return 0;
  } catch (e) {
    return (e as { code?: number }).code ?? -1;
  }
}

let monitor: ChildProcess | undefined;
afterAll(() => {
  if (monitor && monitor.exitCode === null) monitor.kill('SIGKILL');
});

describe('the Dockerfile HEALTHCHECK', () => {
  it('passes against a running monitor and fails once it stops', async () => {
    const port = await freePort();
    const uris = stackUris();
    const config = writePipelineYaml({ name: 'healthcheck', mongodb: { uri: uris.primary, database: uniqueDb('health'), replicas: [] }, checks: { schema: { enabled: false }, quality: { enabled: false }, replication: { enabled: false } } }, outputPath(`healthcheck-${process.pid}.yaml`));
    monitor = spawnCli(['monitor', '--config', config, '--host', '127.0.0.1', '--port', String(port)], { env: { PROOFLINE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const up = await pollUntil(async () => (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) || undefined, 30_000, 200);
    expect(up.value).toBe(true);
    expect(await healthcheck(port)).toBe(0);

    await stopChild(monitor);
    expect(await healthcheck(port)).toBe(1);
  });
});
