import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, stackUris, writePipelineYaml } from '../../helpers.js';

/** `proofline monitor` refuses bad setups with exit 2 and a message naming the problem, leaving nothing running. */

const dir = mkdtempSync(join(tmpdir(), 'pl-moncli-'));
const blockers: Server[] = [];
afterAll(async () => {
  await Promise.all(blockers.map((b) => new Promise((r) => b.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

function configFile(name: string, monitor: Record<string, unknown>): string {
  const checks = { availability: { interval: '5s' }, schema: { enabled: false }, quality: { enabled: false }, replication: { enabled: false } };
  return writePipelineYaml({ name, mongodb: { uri: stackUris().primary, database: 'mon_cli_errors' }, checks, monitor }, join(dir, `${name}.yaml`));
}

describe('proofline monitor usage errors', () => {
  it.each([
    ['unset token variable', { token_env: 'PL_SURELY_UNSET_TOKEN' }, /monitor\.token_env: the environment variable PL_SURELY_UNSET_TOKEN is not set/],
    ['bad cron pattern', { syncs: [{ cron: '99 * * * *' }] }, /monitor\.syncs\[all-streams\]\.cron/],
    ['unknown key', { prot: 1 }, /monitor\.prot: is not a known key/],
    ['bad duration', { check_timeout: '10 minutes' }, /monitor\.check_timeout: must be a duration such as 500ms/],
  ])('%s → exit 2', async (_name, monitor, message) => {
    const r = await runCli(['monitor', '--config', configFile('bad', monitor), '--port', '0'], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a port already in use → exit 2 with a hint, and the process ends', async () => {
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const r = await runCli(['monitor', '--config', configFile('busy', {}), '--port', String(port)], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
    expect(r.stderr).toMatch(/hint: Pick another port/);
  });
});
