import { describe, expect, it } from 'vitest';
import { pollUntil, runCli, scratchDatabases, spawnCli } from '../../helpers.js';
import { fixture, observations } from './sync-fixture.js';

/**
 * Crash safety: a sync SIGKILLed between batches, then rerun, ends with exactly the
 * documents of a clean run: none lost, none duplicated. The CLI pauses after each flush
 * (PROOFLINE_SYNC_FLUSH_DELAY_MS) so the kill lands between batches, mid-file.
 */

const scratch = scratchDatabases();
const dbs = scratch.dbs;

const stream = { sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: 'seq', batch_size: 40 };

function writeInputs(f: ReturnType<typeof fixture>): void {
  f.writeFile('a.jsonl', observations(400, 7, 0));
  f.writeFile('b.jsonl', [...observations(399, 7, 400), { station: 'S1', seq: 99999, temp: 1000 }]);
  f.writeFile('c.jsonl', observations(200, 7, 800));
}

async function contentOf(database: string): Promise<string[]> {
  const docs = await scratch.client.db(database).collection('obs').find({}, { projection: { _proofline: 0 } }).toArray();
  return docs.map((d) => JSON.stringify(d)).sort();
}

describe('kill -9 between batches, then rerun', () => {
  it('ends with exactly the documents of a clean run', async () => {
    const clean = fixture('clean');
    writeInputs(clean);
    dbs.push(clean.database);
    const cleanRun = await runCli(['sync', '--config', clean.configFile(stream), '--json']);
    expect(cleanRun.code, cleanRun.stderr).toBe(0);
    const expected = await contentOf(clean.database);
    expect(expected).toHaveLength(999);

    const f = fixture('killed');
    writeInputs(f);
    dbs.push(f.database);
    const config = f.configFile(stream);
    const child = spawnCli(['sync', '--config', config, '--json'], { env: { PROOFLINE_SYNC_FLUSH_DELAY_MS: '150' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ? -1 : code)));
    const coll = scratch.client.db(f.database).collection('obs');
    // Past the first file (its state saved) and into the second one.
    const reached = await pollUntil(async () => (await coll.countDocuments()) >= 520, 60_000, 20);
    expect(reached.value, 'the sync wrote some batches before the kill').toBeTruthy();
    child.kill('SIGKILL');
    expect(await exited).toBe(-1);
    const partial = await coll.countDocuments();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(999);
    const killedRun = await scratch.client.db(f.database).collection('_proofline_runs').findOne({});
    expect(killedRun).toMatchObject({ status: 'running' });
    expect(killedRun!.finishedAt).toBeUndefined();

    const rerun = await runCli(['sync', '--config', config, '--json']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const report = JSON.parse(rerun.stdout) as { streams: Array<{ read: number; inserted: number; updated: number; unchanged: number; rejected: number; balanced: boolean }> };
    const s = report.streams[0]!;
    expect(s.balanced).toBe(true);
    // The rerun resumes after the last saved state (file a): it re-reads b and c only.
    expect(s.read).toBe(600);
    expect(s.inserted + s.unchanged).toBe(599);
    expect(s.rejected).toBe(1);
    expect(await contentOf(f.database)).toEqual(expected);
    expect(await scratch.client.db(f.database).collection('obs_rejects').countDocuments()).toBe(1);
    // The rerun saw the killed run's process gone and said so.
    const afterRerun = await scratch.client.db(f.database).collection('_proofline_runs').findOne({ _id: killedRun!._id });
    expect(afterRerun).toMatchObject({ status: 'abandoned' });
    expect(afterRerun!.error).toMatch(/ended without finishing this run/);
  });
});
