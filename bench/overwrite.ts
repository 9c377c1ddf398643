/**
 * Pow of issue 15: a full_refresh + overwrite rerun of N weather records (the example's
 * InfoClimat mapping and schema, keyed on station and hour) through the whole pipeline,
 * against a driver `insertMany` of the same N final documents into an empty collection in
 * the same run. Also timed, for the picture: the first overwrite (into an empty target) and
 * a rerun where the source corrected one record in 100. Goal: baseline / rerun ≥ 0.5.
 *
 *   npm run bench -- overwrite [--n 100000]
 *   (needs the local stack, `proofline stack up`, or MONGODB_URI)
 */
import { execSync } from 'node:child_process';
import type { Db } from 'mongodb';
import { createLogger } from '../src/common/logger.js';
import { compileValidator, loadSchema } from '../src/model/schema.js';
import { currentStack } from '../src/stack/stack.js';
import { renameDropTargetOf } from '../src/store/capability-cache.js';
import { probeCapabilities, type Capabilities } from '../src/store/capabilities.js';
import { connect } from '../src/store/connection.js';
import { SyncCore } from '../src/sync/core.js';
import { BATCH, finalDocs, infoclimatMapper, messages, SCHEMA } from './infoclimat-feed.js';

const i = process.argv.indexOf('--n');
const N = i > 0 ? Number(process.argv[i + 1]) : 100_000;
const uri = process.env.MONGODB_URI ?? currentStack().primaryUri;
const database = `bench_overwrite_${process.pid}`;
const uptime = (): string => execSync('uptime').toString().trim();
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function overwrite(db: Db, caps: Capabilities, renameDropTarget: boolean, runId: string, revision: number): Promise<{ ms: number; counts: Record<string, number> }> {
  const schema = loadSchema(SCHEMA);
  const core = new SyncCore(
    [
      {
        name: 'hourly',
        sourceStream: 'hourly',
        collection: 'pipeline',
        schema,
        validator: compileValidator(schema),
        mapper: infoclimatMapper(),
        syncMode: 'full_refresh',
        destinationSyncMode: 'overwrite',
        primaryKey: ['id_station', 'dh_utc'],
        indexes: [],
        batchSize: BATCH,
      },
    ],
    { db, runId, logger: createLogger({ level: 'warn' }), capabilities: caps, renameDropTarget },
  );
  const t = performance.now();
  await core.start();
  await core.consume(messages(N, revision));
  await core.finish();
  const ms = performance.now() - t;
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(`${runId}: heap after GC ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB\n`);
  const { read, inserted, updated, unchanged, rejected } = core.counts()[0]!.counts;
  return { ms, counts: { read, inserted, updated, unchanged, rejected } };
}

const client = await connect(uri);
try {
  const db = client.db(database);
  const caps = await probeCapabilities(client);
  const renameDropTarget = (await renameDropTargetOf(client, uri)).supported;
  process.stdout.write(`Pow overwrite benchmark: ${N.toLocaleString('en')} weather records, swap by ${renameDropTarget ? 'renameCollection dropTarget' : 'applying the difference (no rename with dropTarget)'}\nload: ${uptime()}\n`);

  let baselineMs = 0;
  for await (const docs of finalDocs(N, 'bench-baseline')) {
    const t = performance.now();
    await db.collection('baseline').insertMany(docs, { ordered: false });
    baselineMs += performance.now() - t;
  }
  const first = await overwrite(db, caps, renameDropTarget, 'bench-first', 0);
  const rerun = await overwrite(db, caps, renameDropTarget, 'bench-rerun', 0);
  const revised = await overwrite(db, caps, renameDropTarget, 'bench-revised', 1);
  const stored = await db.collection('pipeline').countDocuments();

  const rows = [
    ['driver insertMany into an empty collection (baseline)', secs(baselineMs), ''],
    ['overwrite, first run (empty target)', secs(first.ms), JSON.stringify(first.counts)],
    ['overwrite rerun, same records (Pow)', secs(rerun.ms), JSON.stringify(rerun.counts)],
    ['overwrite rerun, 1 record in 100 corrected', secs(revised.ms), JSON.stringify(revised.counts)],
  ];
  const width = Math.max(...rows.map((r) => r[0]!.length));
  for (const r of rows) process.stdout.write(`${r[0]!.padEnd(width)}  ${r[1]!.padStart(9)}  ${r[2]}\n`);
  const ratio = baselineMs / rerun.ms;
  process.stdout.write(`Pow ratio baseline / overwrite rerun: ${ratio.toFixed(2)} (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})\n`);
  process.stdout.write(`stored after the runs: ${stored} documents; peak RSS of the whole benchmark ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\nload: ${uptime()}\n`);
} finally {
  await client.db(database).dropDatabase().catch(() => undefined);
  await client.close();
}
