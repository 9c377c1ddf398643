import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/common/logger.js';
import { loadConfig } from '../../../src/config/load.js';
import { runSync } from '../../../src/sync/run-sync.js';
import { leaseKey, tryAcquireLease } from '../../../src/store/lease.js';
import { pollUntil, runCli, scratchDatabases, spawnCli, writePipelineYaml } from '../../helpers.js';
import { fixture, observations, type Fixture } from './sync-fixture.js';

/**
 * Two real `proofline sync` processes on one pipeline stream: exactly one writes. The
 * CLI pauses after each flush (PROOFLINE_SYNC_FLUSH_DELAY_MS) so the first run is still
 * writing when the second starts. Then the owner is SIGKILLed: its lease blocks a new run
 * until it expires, and a run that waits takes over and finishes the work, nothing lost
 * or duplicated.
 */

const scratch = scratchDatabases();
const silent = createLogger({ level: 'silent', pretty: false });

interface StreamOut {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  rejected: number;
  status: string;
  error?: string;
}

function setup(prefix: string, stream: Record<string, unknown>, lease: Record<string, string>): { f: Fixture; config: string } {
  const f = fixture(prefix);
  f.writeFile('a.jsonl', observations(300, 7, 0));
  f.writeFile('b.jsonl', observations(300, 7, 300));
  scratch.dbs.push(f.database);
  const raw = parse(readFileSync(f.configFile(stream), 'utf8')) as Record<string, unknown>;
  return { f, config: writePipelineYaml({ ...raw, lease }, f.configFile(stream)) };
}

async function contentOf(database: string): Promise<string[]> {
  const docs = await scratch.client.db(database).collection('obs').find({}, { projection: { _proofline: 0 } }).toArray();
  return docs.map((d) => JSON.stringify(d)).sort();
}

function collect(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr })));
}

const expectedIds = observations(600, 7, 0).map((o) => `${o.station}/${o.seq}`).sort();
const idsOf = async (database: string): Promise<string[]> =>
  (await scratch.client.db(database).collection('obs').find({}).toArray()).map((d) => `${String(d.station)}/${String(d.seq)}`).sort();

describe('one writer per stream (lease)', () => {
  it('of two syncs started together, one writes and the other exits 3 "already running", or finds nothing left to do', async () => {
    const { f, config } = setup('lease_two', { sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: 'seq' }, { ttl: '10s' });
    const env = { PROOFLINE_SYNC_FLUSH_DELAY_MS: '150' };
    const [r1, r2] = await Promise.all([collect(spawnCli(['sync', '--config', config, '--json'], { env })), collect(spawnCli(['sync', '--config', config, '--json'], { env }))]);
    const outs = [r1, r2].map((r) => ({ code: r.code, s: (JSON.parse(r.stdout) as { streams: StreamOut[] }).streams[0]! }));
    const writers = outs.filter((o) => o.s.inserted + o.s.updated > 0);
    expect(writers, JSON.stringify(outs)).toHaveLength(1);
    expect(writers[0]!.code).toBe(0);
    expect(writers[0]!.s.inserted).toBe(600);
    const other = outs.find((o) => o !== writers[0])!;
    if (other.code === 3) {
      expect(other.s.status).toBe('already_running');
      expect(other.s.error).toMatch(/already running \(owner .+ pid \d+ run \S+, since \d{4}-/);
      expect(other.s.read).toBe(0);
    } else {
      // It started after the writer had finished: incremental state leaves it nothing to read.
      expect(other.code).toBe(0);
      expect(other.s.read).toBe(0);
    }
    expect(await idsOf(f.database)).toEqual(expectedIds);
  });

  it('while another run holds the stream, sync exits 3 naming the owner; told to wait, it waits for the release, then finds every record unchanged', async () => {
    const { f, config } = setup('lease_wait', { sync_mode: 'full_refresh', destination_sync_mode: 'append_dedup' }, { ttl: '10s', wait: '0s' });
    const first = await runCli(['sync', '--config', config, '--json']);
    expect(first.code, first.stderr).toBe(0);
    // The test holds the stream's lease itself, as a scheduler on another host would.
    const held = await tryAcquireLease(scratch.client.db(f.database), leaseKey('p_lease_wait', 'obs'), { host: 'other-host', pid: 4242, runId: 'other-run' }, 60_000);
    expect(held.acquired).toBe(true);
    if (!held.acquired) return;

    const noWait = await runCli(['sync', '--config', config, '--json']);
    expect(noWait.code, noWait.stderr).toBe(3);
    const n = JSON.parse(noWait.stdout) as { status: string; streams: StreamOut[] };
    expect(n.status).toBe('skipped');
    expect(n.streams[0]).toMatchObject({ status: 'already_running', read: 0, inserted: 0 });
    expect(n.streams[0]!.error).toMatch(/^stream obs: already running \(owner other-host pid 4242 run other-run, since \d{4}-/);

    const waiting = spawnCli(['sync', '--config', config, '--json', '--wait-for-lease', '2m']);
    const waited = collect(waiting);
    let stderr = '';
    waiting.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const saw = await pollUntil(async () => /waiting up to 120000 ms, already running \(owner other-host/.test(stderr), 60_000, 50);
    expect(saw.value, stderr).toBe(true);
    await held.lease.release();
    const r = await waited;
    expect(r.code, r.stderr).toBe(0);
    const s2 = (JSON.parse(r.stdout) as { streams: StreamOut[] }).streams[0]!;
    expect(s2).toMatchObject({ read: 600, inserted: 0, updated: 0, unchanged: 600 });
    expect(await idsOf(f.database)).toEqual(expectedIds);
  });

  it('a SIGKILLed owner blocks new runs until its lease expires, then a waiting run takes over: nothing lost or duplicated', async () => {
    const stream = { sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: 'seq', batch_size: 40 };
    const clean = setup('lease_clean', stream, { ttl: '3s' });
    expect((await runCli(['sync', '--config', clean.config])).code).toBe(0);
    const expected = await contentOf(clean.f.database);
    expect(expected).toHaveLength(600);

    const { f, config } = setup('lease_kill', stream, { ttl: '3s' });
    // The owner names another host, as a pod would: its death cannot be seen from here, only its silence.
    const child = spawnCli(['sync', '--config', config, '--json'], { env: { PROOFLINE_SYNC_FLUSH_DELAY_MS: '150', PROOFLINE_LEASE_HOST: 'pod-a' }, stdio: 'ignore' });
    const exited = new Promise<string | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    const coll = scratch.client.db(f.database).collection('obs');
    const reached = await pollUntil(async () => (await coll.countDocuments()) >= 320, 60_000, 20);
    expect(reached.value, 'the owner wrote some batches before the kill').toBeTruthy();
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const partial = await coll.countDocuments();
    expect(partial).toBeLessThan(600);

    // The dead owner's lease still stands: a run that does not wait is told who holds it
    // (in-process, to land well within the ttl).
    const blocked = await runSync(loadConfig(config, {}), { logger: silent });
    expect(blocked.status).toBe('skipped');
    expect(blocked.streams[0]!.error).toContain(`pid ${child.pid!}`);
    expect(await coll.countDocuments()).toBe(partial);

    const takeover = await runCli(['sync', '--config', config, '--json', '--wait-for-lease', '1m']);
    expect(takeover.code, takeover.stderr).toBe(0);
    expect(takeover.stderr).toMatch(/took over the expired lease of run/);
    const s = (JSON.parse(takeover.stdout) as { streams: StreamOut[] }).streams[0]!;
    expect(s.read).toBe(s.inserted + s.updated + s.unchanged + s.duplicate + s.rejected);
    expect(await contentOf(f.database)).toEqual(expected);
    const lease = await scratch.client.db(f.database).collection('_proofline_leases').find({}).toArray();
    expect(lease).toHaveLength(1);
    expect(lease[0]).toMatchObject({ released: true, tookOverFrom: { host: 'pod-a', pid: child.pid } });
  });
});
