import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAlive, stackDown, stackStatus, stackUp } from '../../src/stack/stack.js';
import { portOpen } from '../../src/stack/processes.js';
import { runCli } from '../helpers.js';

/**
 * A second, private stack on other ports: up twice, status, down, and proof that
 * nothing it started still runs and its ports are free.
 */

const dir = mkdtempSync(join(tmpdir(), 'proofline-stack-'));
const env: NodeJS.ProcessEnv = {
  ...process.env,
  PROOFLINE_STACK_DIR: dir,
  PROOFLINE_PRIMARY_PORT: '27117',
  PROOFLINE_REPLICA_PORT: '27118',
  PROOFLINE_PG_PRIMARY_PORT: '54420',
  PROOFLINE_PG_REPLICA_PORT: '54421',
  PROOFLINE_DEBUG_PRIMARY_PORT: '28188',
  PROOFLINE_DEBUG_REPLICA_PORT: '28189',
};

describe('stack lifecycle (private stack on other ports)', () => {
  afterAll(async () => {
    await stackDown({ env }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('comes up, and a second up is harmless and keeps the same processes', async () => {
    const first = await stackUp({ env });
    expect(first.primaryUri).toBe('mongodb://127.0.0.1:27117/');
    const second = await stackUp({ env });
    expect(second.pids).toEqual(first.pids);
    const status = await stackStatus({ env });
    expect(status.up).toBe(true);
    expect(status.components.map((c) => c.name)).toEqual(['pg-primary', 'pg-replica', 'ferretdb-primary', 'ferretdb-replica']);
  });

  it('prints the URIs as lines and as JSON from the CLI', async () => {
    const lines = await runCli(['stack', 'up'], { env });
    expect(lines.code).toBe(0);
    expect(lines.stdout).toContain('PRIMARY_URI=mongodb://127.0.0.1:27117/\nREPLICA_URIS=mongodb://127.0.0.1:27118/');
    const json = await runCli(['stack', 'up', '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ primaryUri: 'mongodb://127.0.0.1:27117/', replicaUris: ['mongodb://127.0.0.1:27118/'] });
  });

  it('down stops exactly what up started and frees every port', async () => {
    const before = await stackStatus({ env });
    const pids = before.components.map((c) => c.pid).filter((p): p is number => p !== null);
    expect(pids).toHaveLength(4);
    const r = await stackDown({ env });
    expect(r.stopped.sort()).toEqual(['ferretdb-primary', 'ferretdb-replica', 'pg-primary', 'pg-replica']);
    expect(r.portsFree).toBe(true);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    for (const port of [27117, 27118, 54420, 54421]) expect(await portOpen(port)).toBe(false);
    const after = await stackStatus({ env });
    expect(after.up).toBe(false);
  });
});
