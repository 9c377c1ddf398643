import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from 'mongodb';
import { mulberry32 } from '../../../src/common/prng.js';
import { createLogger } from '../../../src/common/logger.js';
import { loadStreamState } from '../../../src/store/state-store.js';
import { runSync } from '../../../src/sync/run-sync.js';
import type { SyncReport } from '../../../src/sync/run-result.js';
import { ROOT } from '../../helpers.js';
import { fixture, observations } from '../../integration/sync/sync-fixture.js';

/**
 * One seeded crash trial: a real `proofline sync` process is SIGKILLed once the seed's
 * share of the records has reached the database, then the pipeline runs again to the
 * end. The seed fixes the kill point, so a failing trial replays exactly with
 * PROOFLINE_FAULT_SEED (see test/reliability/README.md).
 */

export interface Mode {
  sync_mode: 'full_refresh' | 'incremental';
  destination_sync_mode: 'overwrite' | 'append' | 'append_dedup';
  /**
   * The killed run overwrites a generation stored by an earlier complete run, in which every
   * record had another temperature and 40 more records existed: the swap that applies the
   * difference (store/generation-diff.ts), not the rename into an empty target.
   */
  overStored?: boolean;
}

export const MODES: Mode[] = [
  { sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' },
  { sync_mode: 'full_refresh', destination_sync_mode: 'append' },
  { sync_mode: 'incremental', destination_sync_mode: 'append' },
  { sync_mode: 'incremental', destination_sync_mode: 'append_dedup' },
  { sync_mode: 'full_refresh', destination_sync_mode: 'overwrite', overStored: true },
];

/** Three files, written in batches of 25 with a pause after each flush: the kill lands mid-file. */
const FILES: Array<[string, number, number]> = [
  ['a.jsonl', 150, 0],
  ['b.jsonl', 150, 150],
  ['c.jsonl', 100, 300],
];
export const TOTAL = FILES.reduce((n, [, count]) => n + count, 0);

export const modeName = (m: Mode): string => `${m.sync_mode}+${m.destination_sync_mode}${m.overStored ? ' over a stored generation' : ''}`;

/** The earlier generation of an overStored trial: every record differs, and 40 are gone since. */
function writeEarlierGeneration(f: ReturnType<typeof fixture>): void {
  for (const [name, n, start] of FILES) f.writeFile(name, observations(n, 7, start).map((o) => ({ ...o, temp: 50 })));
  f.writeFile('z.jsonl', observations(40, 7, 9000));
}

/**
 * The kill point of a seed: after this many records are in the database. It stays two
 * batches short of the end so the kill surely lands while the run is still writing: the
 * moments after the last write (closing the copy, the swap, the run record) are covered
 * by the kills that land during the final batches' pauses.
 */
export function killPoint(seed: number): number {
  return 1 + Math.floor(mulberry32(seed)() * (TOTAL - 50));
}

export interface TrialResult {
  killedAt: number;
  /** false when the process finished before the kill point was seen (the rerun is then a plain rerun). */
  killed: boolean;
  rerun: SyncReport;
  /** The stored records, lineage and _id left out, one JSON line each, sorted. */
  content: string[];
  killedRunStatus: string | undefined;
  /** full_refresh + append: the killed run had closed its copy (all written) before it died, so the rerun's copy is a second one. */
  copyClosedBeforeKill: boolean;
}

/** What the pipeline stores without a crash: every observation exactly once. */
export function expectedContent(): string[] {
  return FILES.flatMap(([, n, start]) => observations(n, 7, start)).map((o) => JSON.stringify(o)).sort();
}

async function written(db: Db, tempOnly = false): Promise<number> {
  // The target and, during an overwrite, the run's temporary collection (obs__pl_tmp_<run>);
  // over a stored generation only the latter grows while the run loads.
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => (n === 'obs' && !tempOnly) || n.startsWith('obs__pl_tmp_'));
  let n = 0;
  for (const name of names) n += await db.collection(name).countDocuments();
  return n;
}

export async function content(db: Db): Promise<string[]> {
  const docs = await db.collection('obs').find({}, { projection: { _id: 0, _proofline: 0 } }).toArray();
  return docs.map((d) => JSON.stringify({ station: d.station, seq: d.seq, temp: d.temp })).sort();
}

export async function runTrial(mode: Mode, seed: number, db: (name: string) => Db): Promise<TrialResult> {
  const f = fixture(`kill${seed}`);
  const { overStored, ...modeFields } = mode;
  const stream = { ...modeFields, ...(mode.sync_mode === 'incremental' ? { cursor_field: 'seq' } : {}), batch_size: 25 };
  const database = db(f.database);
  if (overStored) {
    writeEarlierGeneration(f);
    await runSync(f.config(stream), { logger: createLogger({ level: 'silent' }) });
    await database.collection('_proofline_runs').deleteMany({});
    rmSync(join(f.dir, 'data', 'z.jsonl'));
  }
  for (const [name, n, start] of FILES) f.writeFile(name, observations(n, 7, start));
  const configFile = f.configFile(stream);
  const killAt = killPoint(seed);

  // The built CLI, as a user runs it (npm test builds it first); a pause after each flush widens the window between batches.
  const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'sync', '--config', configFile, '--json'], {
    env: { ...process.env, PROOFLINE_SYNC_FLUSH_DELAY_MS: process.env.PROOFLINE_FAULT_FLUSH_DELAY_MS ?? '100', PROOFLINE_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let done = false;
  void exited.then(() => (done = true));
  let killed = false;
  while (!done) {
    if ((await written(database, overStored)) >= killAt) {
      child.kill('SIGKILL');
      killed = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await exited;
  const killedRun = await database.collection('_proofline_runs').findOne({});
  const copy = await loadStreamState(database, `p_kill${seed}`, 'obs#append_copy');
  const copyClosedBeforeKill = copy?.complete === true;
  const rerun = await runSync(f.config(stream), { logger: createLogger({ level: 'silent' }) });
  const after = killedRun ? await database.collection('_proofline_runs').findOne({ _id: killedRun._id }) : null;
  return { killedAt: killAt, killed, rerun, content: await content(database), killedRunStatus: after?.status as string | undefined, copyClosedBeforeKill };
}
