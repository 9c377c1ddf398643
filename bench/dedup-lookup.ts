/**
 * P1d and P4 of issue 15, at the engine's keyed write path (AdaptiveUpsert over
 * upsertBatch, what a stream of append_dedup writes with): 10k NEW keyed records into a history of H documents, and a rerun of the
 * same 10k unchanged, each against a driver insertMany of the same 10k documents into an
 * empty collection in the same run. Ratios, not absolute times: the machine is shared;
 * each time is the fastest of three repetitions.
 *
 *   npm run bench -- dedup-lookup           H = 0, 10k, 100k
 *   npm run bench -- dedup-lookup scale     H = 0, 10k, 100k, 1M
 */
import { execSync } from 'node:child_process';
import { MongoClient, type Collection, type Document } from 'mongodb';
import pg from 'pg';
import { AdaptiveUpsert } from '../src/store/adaptive-upsert.js';
import { noRetry } from '../src/store/db-retry.js';
import { lookupStrategyOf } from '../src/store/keyed-lookup.js';
import { currentStack } from '../src/stack/stack.js';

const N = 10_000;
const BATCH = 1_000;
const histories = process.argv.includes('scale') ? [0, 10_000, 100_000, 1_000_000] : [0, 10_000, 100_000];

const REPS = 3;

const doc = (i: number, run: string, tag = ''): Document => ({
  _id: `station-${i % 500}|${i}${tag}`,
  station: `station-${i % 500}`,
  observed_at: new Date(Date.UTC(2020, 0, 1) + i * 3_600_000),
  temperature_c: (i % 400) / 10,
  _proofline: { content_hash: `h${i}`, run_id: run },
});

/**
 * A history of H documents is not seconds old in real life: autovacuum has visited it. Just
 * after a bulk load of 1M rows, autovacuum's first pass (and the first reads, which set
 * PostgreSQL's hint bits on every fresh page) slowed the next thousand lookups 25-fold on
 * this stack. So, on the local stack, the loaded history is vacuumed and analyzed before the
 * clock starts, as autovacuum would have done; elsewhere (MONGODB_URI) nothing is done.
 */
async function settle(database: string): Promise<string> {
  const url = process.env.MONGODB_URI ? undefined : currentStack().postgres?.primaryUrl;
  if (!url) return 'not settled (not the local stack)';
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ t: string }>("SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables WHERE schemaname = $1", [database]);
    for (const { t } of tables.rows) await client.query(`VACUUM (ANALYZE) ${t}`);
    return 'vacuumed and analyzed';
  } finally {
    await client.end();
  }
}

async function insertAll(coll: Collection, docs: Document[]): Promise<void> {
  for (let i = 0; i < docs.length; i += BATCH) await coll.insertMany(docs.slice(i, i + BATCH), { ordered: false });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const client = await MongoClient.connect(process.env.MONGODB_URI ?? currentStack().primaryUri);
  const db = client.db(`bench_dedup_${process.pid}`);
  process.stdout.write(`load: ${execSync('uptime').toString().trim()}\n`);
  const rows: string[] = [];
  const costAt = new Map<number, { fresh: number; rerun: number; intoHistory: number }>();
  try {
    for (const h of histories) {
      const coll = db.collection(`h${h}`);
      for (let i = 0; i < h; i += BATCH) await coll.insertMany(Array.from({ length: Math.min(BATCH, h - i) }, (_, k) => doc(N + i + k, 'history')), { ordered: false });
      const settled = await settle(db.databaseName);
      const strategy = await lookupStrategyOf(coll);
      // Each figure is the fastest of REPS repetitions, each with 10k keys of its own: a single
      // timing of half a second swings by a third on this shared machine (the first write after
      // the history was loaded is the slowest). Every repetition's documents are deleted after
      // it (one pushed-down equality on their run id), so each meets the same history of H.
      const times = { fresh: [] as number[], rerun: [] as number[], baseline: [] as number[], intoHistory: [] as number[] };
      for (let rep = 0; rep < REPS; rep += 1) {
        const runId = `new-${rep}`;
        const news = Array.from({ length: N }, (_, i) => doc(i, runId, `~${rep}`));
        const counted = { inserted: 0, unchanged: 0 };
        times.fresh.push(
          await timed(async () => {
            const writer = new AdaptiveUpsert();
            for (let i = 0; i < N; i += BATCH) counted.inserted += (await writer.write(coll, news.slice(i, i + BATCH), undefined, { runId, retry: noRetry })).inserted;
          }),
        );
        // A rerun is another run: its own writer, and another run id.
        times.rerun.push(
          await timed(async () => {
            const writer = new AdaptiveUpsert();
            for (let i = 0; i < N; i += BATCH) counted.unchanged += (await writer.write(coll, news.slice(i, i + BATCH), undefined, { runId: `rerun-${rep}`, retry: noRetry })).unchanged;
          }),
        );
        if (counted.inserted !== N || counted.unchanged !== N) throw new Error(`counts wrong at H=${h}: ${JSON.stringify(counted)}`);
        const base = db.collection(`base${h}_${rep}`);
        times.baseline.push(await timed(() => insertAll(base, news)));
        // What the server itself charges for 10k new documents with keys spread like these among this history: the floor of `fresh`.
        const others = Array.from({ length: N }, (_, i) => doc(i, `other-${rep}`, `^${rep}`));
        times.intoHistory.push(await timed(() => insertAll(coll, others)));
        for (const run of [runId, `other-${rep}`]) await coll.deleteMany({ '_proofline.run_id': run });
        await base.drop();
      }
      const [fresh, rerun, baseline, intoHistory] = [times.fresh, times.rerun, times.baseline, times.intoHistory].map((t) => Math.min(...t)) as [number, number, number, number];
      costAt.set(h, { fresh, rerun, intoHistory });
      const ratio = baseline / fresh;
      rows.push(`P1d H=${h}: append_dedup 10k new ${(fresh / 1000).toFixed(2)} s vs insertMany ${(baseline / 1000).toFixed(2)} s, ratio ${ratio.toFixed(2)} (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'}) [lookup: ${strategy}; history ${settled}]`);
      rows.push(`P4  H=${h}: rerun 10k unchanged ${(rerun / 1000).toFixed(2)} s; driver insertMany of 10k other new keys into this history ${(intoHistory / 1000).toFixed(2)} s`);
      process.stdout.write(`${rows.slice(-2).join('\n')}\n`);
      await coll.drop();
    }
    const small = costAt.get(10_000)!;
    const large = costAt.get(Math.max(...histories))!;
    const top = Math.max(...histories);
    const growth = large.fresh / small.fresh;
    const rerunGrowth = large.rerun / small.rerun;
    const serverGrowth = large.intoHistory / small.intoHistory;
    rows.push(`P1d cost at H=${top} / cost at H=10k: ${growth.toFixed(2)} (goal ≤ 1.2: ${growth <= 1.2 ? 'met' : 'NOT met'}); the driver's own insertMany into the history grew ${serverGrowth.toFixed(2)}×`);
    rows.push(`P4  rerun cost at H=${top} / at H=10k: ${rerunGrowth.toFixed(2)} (goal ≤ 1.2: ${rerunGrowth <= 1.2 ? 'met' : 'NOT met'})`);
    process.stdout.write(`\n${rows.join('\n')}\nload: ${execSync('uptime').toString().trim()}\n`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}

await main();
