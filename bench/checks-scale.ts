/**
 * P2c of issue 15: `check schema` + `check quality` on N weather documents (the example's
 * schema and quality rules, its indexes), against a baseline in the same run of one
 * driver query per rule: `countDocuments` with the rule's filter, or the aggregation the
 * rule is. Where the server cannot run a rule's query (FerretDB v1: no `$jsonSchema`,
 * no `$expr`, no `$dateToString`), the baseline stands in one `countDocuments` of the
 * collection, the least a server-side pass costs; the row says so. Goal: proofline's time
 * ≤ 2 × the baseline's (ratio baseline / proofline ≥ 0.5) and peak RSS ≤ 256 MB.
 *
 *   npm run bench -- checks-scale          N = 100k
 *   npm run bench -- checks-scale scale    N = 1M
 *   npm run bench -- checks-scale 20000    any N
 */
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { parse } from 'yaml';
import { parseConfig } from '../src/config/load.js';
import { runCheck } from '../src/checks/run.js';
import { uniqueIndexOn, type IndexInfo } from '../src/checks/quality-plan.js';
import { currentStack } from '../src/stack/stack.js';
import { createLogger, setLogger } from '../src/common/logger.js';
import { toMongoJsonSchema } from '../src/model/mongo-json-schema.js';
import { loadSchema } from '../src/model/schema.js';
import { capabilitiesOf } from '../src/store/capability-cache.js';
import { makeDocGenerator } from './weather-docs.js';

const EXAMPLE = join(import.meta.dirname, '../examples/weather');
const numeric = process.argv.slice(2).find((a) => /^\d+$/.test(a));
const N = numeric ? Number(numeric) : process.argv.includes('scale') ? 1_000_000 : 100_000;
const BATCH = 2_000;

setLogger(createLogger({ level: 'warn', pretty: false }));
const uptime = (): string => execSync('uptime').toString().trim();
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const uri = process.env.MONGODB_URI ?? currentStack().primaryUri;
const database = `bench_checks_${process.pid}`;

const example = parse(readFileSync(join(EXAMPLE, 'pipeline.yaml'), 'utf8')) as { checks: { quality: { rules: Document[] } } };
const rules = example.checks.quality.rules;
const schemaFile = join(EXAMPLE, 'schemas/hourly_measurements.json');
const config = parseConfig(
  {
    name: 'bench-checks-scale',
    mongodb: { uri, database, timeout_ms: 30_000 },
    checks: {
      schema: { collections: [{ collection: 'hourly_measurements', schema: schemaFile }] },
      quality: { collection: 'hourly_measurements', rules },
    },
  },
  join(EXAMPLE, 'bench.yaml'),
  {},
);

async function load(client: MongoClient): Promise<number> {
  const coll = client.db(database).collection('hourly_measurements');
  // The indexes the example's streams create (examples/weather/pipeline.yaml): the unique
  // primary key of append_dedup, and the two the checks and the dashboard query by.
  await coll.createIndex({ id_station: 1, dh_utc: 1 }, { unique: true, name: 'pk_id_station_dh_utc' });
  await coll.createIndex({ source: 1, dh_utc: 1 }, { name: 'ix_source_dh_utc' });
  await coll.createIndex({ dh_utc: 1 }, { name: 'ix_dh_utc' });
  const gen = makeDocGenerator(11);
  const started = performance.now();
  for (let i = 0; i < N; i += BATCH) await coll.insertMany(Array.from({ length: Math.min(BATCH, N - i) }, (_, k) => gen(i + k)), { ordered: false });
  return performance.now() - started;
}

const uniqueKeyIndexed = async (coll: Collection, key: string[]): Promise<boolean> => uniqueIndexOn((await coll.indexes()) as IndexInfo[], key) !== null;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/** One driver query per rule; a rule the server cannot express stands in as one countDocuments pass. */
/**
 * One driver query per rule. With `stopAfterMs`, the queries left once the baseline has taken
 * that long are not run (each is a full read on FerretDB: ~7 min at 1M under load), and the
 * ratio is then a lower bound: the whole baseline can only take longer.
 */
async function baseline(client: MongoClient, jsonSchemaQuery: boolean, stopAfterMs = Infinity): Promise<{ rows: string[]; ms: number; partial: boolean }> {
  const coll = client.db(database).collection('hourly_measurements');
  const rows: string[] = [];
  let total = 0;
  let partial = false;
  const run = async (what: string, query: () => Promise<unknown>, standIn?: () => Promise<unknown>): Promise<void> => {
    if (total >= stopAfterMs) {
      partial = true;
      rows.push(`  baseline ${what}: not run (the baseline already took half the checks' time, which proves the goal)`);
      process.stdout.write(`${rows.at(-1)}\n`);
      return;
    }
    let r: { ms: number; value: unknown };
    let note = '';
    try {
      r = await timed(query);
    } catch (e) {
      if (!standIn) throw e;
      const reason = String((e as Error).message).split('\n')[0]!.slice(0, 80);
      r = await timed(standIn);
      note = ` (stand-in countDocuments: the server refused: ${reason})`;
    }
    total += r.ms;
    rows.push(`  baseline ${what}: ${secs(r.ms)}${note}`);
    process.stdout.write(`${rows.at(-1)}\n`);
  };
  const pass = () => coll.countDocuments({});
  await run('schema {$nor: [{$jsonSchema}]}', jsonSchemaQuery ? () => coll.countDocuments({ $nor: [{ $jsonSchema: toMongoJsonSchema(loadSchema(schemaFile)) }] }) : () => Promise.reject(new Error('$jsonSchema query not supported by this server')), pass);
  for (const rule of rules) {
    const name = `${rule.type} ${rule.field ?? rule.left ?? (rule.key as string[] | undefined)?.join('+') ?? rule.time_field}`;
    switch (rule.type) {
      case 'null_rate':
        await run(name, () => coll.countDocuments({ [rule.field]: null }));
        break;
      case 'range':
        await run(name, () => coll.countDocuments({ $or: [{ [rule.field]: { $lt: rule.min } }, { [rule.field]: { $gt: rule.max } }] }));
        break;
      case 'cross_field':
        await run(name, () => coll.countDocuments({ $expr: { $gt: [`$${rule.left}`, { $add: [`$${rule.right}`, rule.tolerance ?? 0] }] } }), pass);
        break;
      case 'duplicates':
        // FerretDB v1's $group is quadratic in the number of groups (8k keys: 8 s; 100k would
        // take ~20 min, docs/performance.md). Where a unique index holds the key (the example's
        // primary key) the baseline counts it as free, which only makes the goal harder to meet.
        if (await uniqueKeyIndexed(coll, rule.key as string[])) {
          rows.push(`  baseline ${name}: 0.00 s (not run: a unique index on the key; FerretDB v1's $group is quadratic)`);
          process.stdout.write(`${rows.at(-1)}\n`);
        } else {
          const id = Object.fromEntries((rule.key as string[]).map((k, i) => [`k${i}`, `$${k}`]));
          await run(name, () => coll.aggregate([{ $group: { _id: id, n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }, { $limit: 1000 }], { allowDiskUse: true }).toArray());
        }
        break;
      case 'freshness':
        await run(name, () => coll.find({}, { projection: { [rule.field]: 1 } }).sort({ [rule.field]: -1 }).limit(1).next());
        break;
      case 'volume':
        await run(
          name,
          () => coll.aggregate([{ $group: { _id: { s: `$${rule.source_field ?? 'source'}`, d: { $dateToString: { format: '%Y-%m-%d', date: `$${rule.time_field}` } } }, n: { $sum: 1 } } }]).toArray(),
          pass,
        );
        break;
    }
  }
  return { rows, ms: total, partial };
}

async function main(): Promise<void> {
  const client = await MongoClient.connect(uri);
  process.stdout.write(`P2c checks at scale: N = ${N}, ${rules.length} quality rules + 1 schema (examples/weather)\nload: ${uptime()}\n`);
  try {
    const loadMs = await load(client);
    process.stdout.write(`loaded ${N} documents in ${secs(loadMs)}\n`);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    const schema = await timed(() => runCheck('schema', config));
    const quality = await timed(() => runCheck('quality', config));
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const proofline = schema.ms + quality.ms;
    const v = (schema.value.evidence.collections as { checked: number; invalid: number; docs_per_s: number | null; server_note: string }[])[0]!;
    const scan = (quality.value.evidence.scans as { documents: number; docs_per_s: number | null; projection: string[]; server_side: string[] }[])[0]!;
    process.stdout.write(`  check schema: ${secs(schema.ms)} (${schema.value.status}: ${v.invalid}/${v.checked} invalid, ${v.docs_per_s} docs/s; ${v.server_note})\n`);
    process.stdout.write(`  check quality: ${secs(quality.ms)} (${quality.value.status}: ${quality.value.summary.slice(0, 80)}; pass ${scan.documents} docs at ${scan.docs_per_s} docs/s, projection ${scan.projection.join(',')}; server-side: ${scan.server_side.join(', ')})\n`);
    const caps = await capabilitiesOf(client, uri);
    const mb = (b: number): string => `${(b / 1048576).toFixed(0)} MB`;
    process.stdout.write(`  peak RSS during the checks ${mb(peak)}\n`);
    // At 1M the baseline stops once it proves the goal (half the checks' time): the ratio is then ≥ 0.5 already.
    const base = await baseline(client, caps.jsonSchemaQuery.supported, N >= 1_000_000 ? proofline / 2 : Infinity);
    const ratio = base.ms / proofline;
    process.stdout.write(
      [
        '',
        `P2c N=${N}: check schema + check quality ${secs(proofline)} vs one driver query per rule ${secs(base.ms)}${base.partial ? ' (stopped early: a lower bound)' : ''}: ratio ${base.partial ? '≥ ' : ''}${ratio.toFixed(2)} (goal ≥ 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'})`,
        `P2c N=${N}: peak RSS during the checks ${mb(peak)} (before ${mb(rssBefore)}) (goal ≤ 256 MB: ${peak <= 256 * 1048576 ? 'met' : 'NOT met'})`,
        `load: ${uptime()}`,
        '',
      ].join('\n'),
    );
  } finally {
    await client.db(database).dropDatabase().catch(() => undefined);
    await client.close();
  }
}

await main();
