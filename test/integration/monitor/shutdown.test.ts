import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setReplicationPaused } from '../../../src/stack/stack.js';
import { pollUntil, primaryClient, spawnCli, stackUris, uniqueDb, writePipelineYaml } from '../../helpers.js';
import { monitorConfig, prepareReplication } from './monitor-helpers.js';

/**
 * SIGTERM on a real `proofline monitor` process: a check in flight either finishes
 * within the grace period and is recorded normally, or is recorded as interrupted.
 * Nothing is lost silently, and the process exits 0.
 */

interface Proc {
  logs: { event?: string; check?: string; status?: string; interrupted?: string; time: number }[];
  stdout: string;
  signal(): void;
  exit: Promise<number | null>;
}

function startCli(configFile: string): Proc {
  const child = spawnCli(['monitor', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { logs: [], stdout: '', signal: () => child.kill('SIGTERM'), exit: new Promise((r) => child.on('close', r)) };
  child.stdout!.on('data', (d: Buffer) => (p.stdout += d.toString()));
  let buf = '';
  child.stderr!.on('data', (d: Buffer) => {
    buf += d.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith('{')) p.logs.push(JSON.parse(l) as Proc['logs'][number]);
  });
  return p;
}

const dir = mkdtempSync(join(tmpdir(), 'pl-shutdown-'));
afterAll(async () => {
  await setReplicationPaused(false).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function writeConfig(name: string, replication: Record<string, unknown>, monitor: Record<string, unknown>): Promise<{ file: string; db: string }> {
  const db = uniqueDb('shut');
  const raw = {
    name,
    mongodb: { uri: stackUris().primary, database: db, replicas: stackUris().replicas },
    checks: { availability: { enabled: false }, schema: { enabled: false }, quality: { enabled: false }, replication: { interval: '1s', ...replication } },
    monitor: { port: 0, ...monitor },
  };
  await prepareReplication(monitorConfig({ database: db }));
  return { file: writePipelineYaml(raw, join(dir, `${name}.yaml`)), db };
}

async function historyOf(db: string): Promise<{ check: string; status: string; interrupted?: string; at: Date }[]> {
  const client = await primaryClient();
  try {
    return (await client.db(db).collection('_proofline_check_history').find({ kind: 'check' }).sort({ at: 1 }).toArray()) as never;
  } finally {
    await client.close();
  }
}

describe('graceful shutdown of proofline monitor', () => {
  it('lets the in-flight check finish within the grace period and records it', async () => {
    const { file, db } = await writeConfig('grace', { samples: 15, poll_interval_ms: 5, timeout_ms: 20_000, max_lag_p95_ms: 10_000 }, { shutdown_grace: '30s' });
    const p = startCli(file);
    const ready = await pollUntil(async () => p.logs.filter((l) => l.event === 'check_run').length >= 1, 30_000, 20);
    expect(ready.value).toBe(true);
    // Replication on this stack takes milliseconds: hold it so that the next run (due
    // within the 1 s interval) is surely in flight when the signal arrives, then let it
    // through so that the run can finish inside the grace period.
    await setReplicationPaused(true);
    let signalledAt: number;
    try {
      await new Promise((r) => setTimeout(r, 1_500));
      signalledAt = Date.now();
      p.signal();
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      await setReplicationPaused(false);
    }
    expect(await p.exit).toBe(0);
    const stop = p.logs.find((l) => l.event === 'monitor_stop')!;
    const stopped = p.logs.find((l) => l.event === 'monitor_stopped')!;
    expect(stop).toBeDefined();
    expect(stopped).toMatchObject({ interrupted: [] });
    const runsAfterSignal = p.logs.filter((l) => l.event === 'check_run' && l.time >= signalledAt);
    expect(runsAfterSignal.length).toBe(1);
    expect(runsAfterSignal[0]).toMatchObject({ check: 'replication', status: 'pass' });
    expect(runsAfterSignal[0]!.interrupted).toBeUndefined();
    expect(p.stdout).toContain('proofline monitor: stopped');
    const history = await historyOf(db);
    expect(history.at(-1)!.at.getTime()).toBeGreaterThanOrEqual(signalledAt - 5);
  });

  it('records a check still running after the grace period as interrupted', async () => {
    const { file, db } = await writeConfig('cut', { samples: 5, timeout_ms: 3000 }, { shutdown_grace: '500ms', check_timeout: '60s' });
    const p = startCli(file);
    const ready = await pollUntil(async () => p.logs.some((l) => l.event === 'check_run'), 30_000, 20);
    expect(ready.value).toBe(true);
    await setReplicationPaused(true);
    try {
      // The next run now waits on markers that cannot arrive.
      await new Promise((r) => setTimeout(r, 2_000));
      p.signal();
      expect(await p.exit).toBe(0);
    } finally {
      await setReplicationPaused(false);
    }
    expect(p.logs.find((l) => l.event === 'monitor_stopped')).toMatchObject({ interrupted: ['replication'] });
    const last = (await historyOf(db)).at(-1)!;
    expect(last).toMatchObject({ check: 'replication', status: 'fail', interrupted: 'shutdown' });
  });
});
