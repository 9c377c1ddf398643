/**
 * Ingestion throughput and memory: N generated InfoClimat-style hourly rows go through the
 * whole pipeline (JSON text → parse → infoclimat_hourly mapper → Ajv validation → batched
 * unordered inserts, append mode, batch 1000) and, in the same run against the same server,
 * the SAME final documents are written by a bare driver insertMany in batches of 1000
 * (mapping and validation done outside the timed section: the baseline is pure writing).
 * Prints the throughput ratio (P1 of issue 15, goal ≥ 0.9) and the pipeline's peak RSS at N and at BIG
 * records (goal ≤ 256 MB and nearly flat). Every run is a child process, so each RSS figure
 * is that run's own.
 *
 *   npm run bench -- ingest [--n 100000] [--big 1000000]
 *   (needs the local stack, `proofline stack up`, or MONGODB_URI)
 */
import { spawnSync } from 'node:child_process';
import { createLogger } from '../src/common/logger.js';
import { compileValidator, loadSchema } from '../src/model/schema.js';
import { currentStack } from '../src/stack/stack.js';
import { probeCapabilities } from '../src/store/capabilities.js';
import { connect } from '../src/store/connection.js';
import { SyncCore } from '../src/sync/core.js';
import { BATCH, finalDocs, infoclimatMapper, messages, SCHEMA } from './infoclimat-feed.js';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
};
const uri = (): string => process.env.MONGODB_URI ?? currentStack().primaryUri;

async function child(role: string, n: number, database: string): Promise<void> {
  const client = await connect(uri());
  const db = client.db(database);
  const schema = loadSchema(SCHEMA);
  const validator = compileValidator(schema);
  const runId = `bench-${role}`;
  try {
    if (role === 'baseline') {
      const coll = db.collection('baseline');
      let writeMs = 0;
      let written = 0;
      for await (const docs of finalDocs(n, runId)) {
        const t = performance.now();
        await coll.insertMany(docs, { ordered: false });
        writeMs += performance.now() - t;
        written += docs.length;
      }
      process.stdout.write(`${JSON.stringify({ role, n, ms: writeMs, written, rssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
      return;
    }
    const core = new SyncCore(
      [{ name: 'hourly', sourceStream: 'hourly', collection: 'pipeline', schema, validator, mapper: infoclimatMapper(), syncMode: 'full_refresh', destinationSyncMode: 'append', indexes: [], batchSize: BATCH }],
      { db, runId, logger: createLogger({ level: 'warn' }), capabilities: await probeCapabilities(client), renameDropTarget: false },
    );
    await core.start();
    const t = performance.now();
    await core.consume(messages(n));
    await core.finish();
    const ms = performance.now() - t;
    const c = core.counts()[0]!.counts;
    process.stdout.write(`${JSON.stringify({ role, n, ms, read: c.read, inserted: c.inserted, rejected: c.rejected, rssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
  } finally {
    await client.close();
  }
}

interface Result {
  role: string;
  n: number;
  ms: number;
  rssMB: number;
  written?: number;
  read?: number;
  inserted?: number;
  rejected?: number;
}

function spawnChild(role: string, n: number, database: string): Result {
  const r = spawnSync(process.execPath, ['--import', 'tsx', import.meta.filename, '--role', role, '--n', String(n), '--db', database], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${role} (${n}) exited with ${r.status ?? r.signal}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Result;
}

async function parent(): Promise<void> {
  const n = Number(arg('n', '100000'));
  const big = Number(arg('big', '1000000'));
  const database = `bench_ingest_${process.pid}`;
  const rate = (count: number, ms: number): number => Math.round((count / ms) * 1000);
  try {
    process.stdout.write(`ingest benchmark on ${uri().replace(/\/\/[^@/]*@/, '//***@')}: ${n.toLocaleString('en')} records (ratio), ${big.toLocaleString('en')} (memory)\n`);
    const baseline = spawnChild('baseline', n, database);
    const pipeline = spawnChild('pipeline', n, database);
    const large = big > 0 ? spawnChild('pipeline', big, database) : undefined;
    const bRate = rate(baseline.written!, baseline.ms);
    const pRate = rate(pipeline.inserted!, pipeline.ms);
    const rows: string[][] = [
      ['run', 'records', 'time s', 'docs/s', 'peak RSS MB'],
      ['driver insertMany (baseline, writes only)', String(baseline.written), (baseline.ms / 1000).toFixed(2), String(bRate), baseline.rssMB.toFixed(0)],
      ['proofline parse→map→validate→write', String(pipeline.read), (pipeline.ms / 1000).toFixed(2), String(pRate), pipeline.rssMB.toFixed(0)],
    ];
    if (large) rows.push(['proofline parse→map→validate→write', String(large.read), (large.ms / 1000).toFixed(2), String(rate(large.inserted!, large.ms)), large.rssMB.toFixed(0)]);
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) process.stdout.write(`${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}\n`);
    const ratio = pRate / bRate;
    process.stdout.write(`throughput ratio proofline / driver insertMany: ${ratio.toFixed(2)} (goal ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'NOT met'})\n`);
    if (large) {
      const growth = large.rssMB / pipeline.rssMB;
      process.stdout.write(
        `peak RSS: ${pipeline.rssMB.toFixed(0)} MB at ${n.toLocaleString('en')}, ${large.rssMB.toFixed(0)} MB at ${big.toLocaleString('en')} (×${growth.toFixed(2)} for ×${(big / n).toFixed(0)} records; goal ≤ 256 MB: ${large.rssMB <= 256 ? 'met' : 'NOT met'})\n`,
      );
    }
    if (pipeline.rejected || pipeline.inserted !== n) process.stdout.write(`note: ${pipeline.rejected} rejected, ${pipeline.inserted} inserted of ${n}\n`);
  } finally {
    const client = await connect(uri());
    await client.db(database).dropDatabase().catch(() => undefined);
    await client.close();
  }
}

const role = arg('role', '');
if (role) await child(role, Number(arg('n', '0')), arg('db', ''));
else await parent();
