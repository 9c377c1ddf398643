import type { Collection, Db, Document } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import type { DuplicatesRule, FreshnessRule, QualityRule } from '../config/checks.js';
import { CheckStatus, type CheckResult } from './result.js';
import { ResultBuilder, firstProblem } from './builder.js';
import { describeEndpoint, endpointsOf, unreachableFinding } from './endpoints.js';
import type { CheckContext } from './check-session.js';
import { parseDuration } from '../common/duration.js';
import { crossField, get, newest, nullRate, range, ruleName, toEpochMs, volume, type StreamEvaluator, type StreamOutcome } from './quality-rules.js';
import { docsPerSecond, fieldsOf, projectionOf, uniqueIndexOn, type IndexInfo } from './quality-plan.js';

/**
 * Quality rules declared in the config. The per-document rules share one streaming pass
 * per collection, projected to the fields they read, evaluated in Node because FerretDB v1
 * cannot run most $expr. Duplicates are asked of the server (a unique index on the key
 * answers at once; else an aggregation); freshness too where the server sorts (else it
 * joins the pass). docs/performance.md "Checks at scale" has the figures.
 */

interface RuleOutcome extends StreamOutcome {
  name: string;
  type: QualityRule['type'];
  collection: string;
}

const METRIC: Record<QualityRule['type'], { metric: string; unit?: string }> = {
  null_rate: { metric: 'null_rate' },
  duplicates: { metric: 'duplicate_keys' },
  range: { metric: 'range_violations' },
  freshness: { metric: 'freshness_age_ms', unit: 'ms' },
  volume: { metric: 'volume_days_out_of_range' },
  cross_field: { metric: 'cross_field_violations' },
};

function evaluatorOf(rule: QualityRule, streamFreshness: boolean): StreamEvaluator | null {
  switch (rule.type) {
    case 'null_rate':
      return nullRate(rule);
    case 'range':
      return range(rule);
    case 'cross_field':
      return crossField(rule);
    case 'volume':
      return volume(rule);
    case 'freshness':
      return streamFreshness ? newest(rule) : null;
    default:
      return null;
  }
}

async function duplicates(coll: Collection, rule: DuplicatesRule, indexes: IndexInfo[]): Promise<StreamOutcome> {
  // The server refuses a second document with the same key: there is nothing to count, and
  // no reason to group a whole collection (a 100k-document $group takes minutes on FerretDB v1).
  const unique = uniqueIndexOn(indexes, rule.key);
  if (unique) return { value: 0, evaluated: -1, detail: { key: rule.key, duplicate_keys: 0, extra_documents: 0, examples: [], guaranteed_by: `unique index ${unique}` } };
  const id = Object.fromEntries(rule.key.map((k, i) => [`k${i}`, `$${k}`]));
  const rows = await coll
    .aggregate([{ $group: { _id: id, n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }, { $sort: { n: -1 } }, { $limit: 1000 }], { allowDiskUse: true })
    .toArray();
  const examples = rows.slice(0, 5).map((r) => ({ key: Object.fromEntries(rule.key.map((k, i) => [k, (r._id as Record<string, unknown>)[`k${i}`]])), count: r.n }));
  const extra = rows.reduce((a, r) => a + Number(r.n) - 1, 0);
  return { value: rows.length, evaluated: -1, detail: { key: rule.key, duplicate_keys: rows.length, extra_documents: extra, examples, capped_at: 1000 } };
}

const newestQuery = (coll: Collection, field: string) =>
  coll
    .find({ [field]: { $ne: null } }, { projection: { [field]: 1 } })
    .sort({ [field]: -1 })
    .limit(1);

/**
 * Can the server answer "the newest value of the field" without a full scan? FerretDB v1
 * says `sortPushdown: false` in its explain (it sorts in Go after reading every document);
 * MongoDB and DocumentDB sort on the server (from an index when there is one).
 */
async function serverSorts(coll: Collection, field: string): Promise<boolean> {
  const plan = (await newestQuery(coll, field)
    .explain('queryPlanner')
    .catch(() => ({}))) as Document;
  return plan.sortPushdown !== false;
}

async function freshness(coll: Collection, rule: FreshnessRule, now: number): Promise<StreamOutcome> {
  const doc = await newestQuery(coll, rule.field).next();
  const t = doc ? toEpochMs(get(doc, rule.field)) : null;
  return { value: t === null ? null : now - t, evaluated: doc ? 1 : 0, detail: { newest: t === null ? null : new Date(t).toISOString(), max_age: rule.max_age } };
}

/** How one collection was read: what the pass projected, how fast, and what the server answered itself. */
export interface CollectionScan {
  collection: string;
  documents: number;
  ms: number;
  docs_per_s: number | null;
  projection: string[];
  /** Rules answered by the server (an index, an aggregation, a sorted query) instead of the pass. */
  server_side: string[];
}

async function evaluateCollection(db: Db, collection: string, rules: QualityRule[], ctx: CheckContext): Promise<{ outcomes: RuleOutcome[]; scan: CollectionScan }> {
  const now = Date.now();
  const coll = db.collection(collection);
  const freshRules = rules.filter((r): r is FreshnessRule => r.type === 'freshness');
  const streamFreshness = freshRules.length > 0 && !(await serverSorts(coll, freshRules[0]!.field));
  const indexes = rules.some((r) => r.type === 'duplicates') ? ((await coll.indexes().catch(() => [])) as IndexInfo[]) : [];
  const streaming: { rule: QualityRule; ev: StreamEvaluator }[] = [];
  for (const rule of rules) {
    const ev = evaluatorOf(rule, streamFreshness);
    if (ev) streaming.push({ rule, ev });
  }
  const projection = projectionOf(streaming.flatMap((s) => fieldsOf(s.rule)));
  const scan: CollectionScan = { collection, documents: 0, ms: 0, docs_per_s: null, projection: Object.keys(projection), server_side: [] };
  if (streaming.length) {
    const started = performance.now();
    // Only the fields the rules read (and _id, for the examples): the pass moves a few numbers per document.
    for await (const doc of coll.find({}, { projection }).batchSize(1000)) {
      if (ctx.signal?.aborted) break;
      scan.documents++;
      for (const s of streaming) s.ev.visit(doc);
    }
    scan.ms = Math.round(performance.now() - started);
    scan.docs_per_s = docsPerSecond(scan.documents, scan.ms);
  }
  const outcomes: RuleOutcome[] = [];
  for (const rule of rules) {
    const base = { name: ruleName(rule), type: rule.type, collection };
    const streamed = streaming.find((s) => s.rule === rule);
    if (streamed) outcomes.push({ ...base, ...streamed.ev.finish(now) });
    else if (rule.type === 'duplicates') outcomes.push({ ...base, ...(await duplicates(coll, rule, indexes)) });
    else if (rule.type === 'freshness') outcomes.push({ ...base, ...(await freshness(coll, rule, now)) });
    if (!streamed) scan.server_side.push(base.name);
  }
  return { outcomes, scan };
}

function judgeRule(b: ResultBuilder, rule: QualityRule, o: RuleOutcome): void {
  const { metric, unit } = METRIC[rule.type];
  const key = b.measure(metric, o.value, { labels: { rule: o.name, collection: o.collection }, ...(unit ? { unit } : {}) });
  const what = `rule ${o.name} on ${o.collection}`;
  switch (rule.type) {
    case 'null_rate':
      return void b.judge(key, '<=', rule.max, what, rule.severity);
    case 'duplicates':
      return void b.judge(key, '<=', rule.max, what, rule.severity);
    case 'range':
    case 'cross_field':
      return void b.judge(key, '<=', rule.max_violations, what, rule.severity);
    case 'freshness':
      return void b.judge(key, '<=', parseDuration(rule.max_age), what, rule.severity);
    case 'volume':
      return void b.judge(key, '<=', 0, `${what} (source-days outside ${rule.min_per_day ?? 0}…${rule.max_per_day ?? '∞'} documents)`, rule.severity);
  }
}

export async function checkQuality(config: PipelineConfig, ctx: CheckContext): Promise<CheckResult> {
  const cfg = config.checks.quality;
  const b = new ResultBuilder('quality');
  const outcomes: RuleOutcome[] = [];
  b.evidence.rules = outcomes;
  const missing = cfg.rules.filter((r) => !(r.collection ?? cfg.collection));
  for (const r of missing) b.finding(CheckStatus.FAIL, `rule ${ruleName(r)} names no collection: set checks.quality.collection or the rule's collection`);
  if (cfg.rules.length === 0) {
    b.finding(CheckStatus.UNSUPPORTED, 'no quality rule configured (checks.quality.rules)');
    return b.build(() => 'no quality rule configured');
  }
  const primary = endpointsOf(config)[0]!;
  const conn = await ctx.session.member(primary);
  if (!conn.ok) {
    unreachableFinding(b, primary, conn.error);
    return b.build(() => `cannot evaluate rules: ${describeEndpoint(primary)} unreachable [${conn.error.code}]`);
  }
  const db = conn.client.db(config.mongodb.database);
  const byCollection = new Map<string, QualityRule[]>();
  for (const r of cfg.rules) {
    const c = r.collection ?? cfg.collection;
    if (c) byCollection.set(c, [...(byCollection.get(c) ?? []), r]);
  }
  const scans: CollectionScan[] = [];
  b.evidence.scans = scans;
  for (const [collection, rules] of byCollection) {
    const { outcomes: results, scan } = await evaluateCollection(db, collection, rules, ctx);
    scans.push(scan);
    if (scan.docs_per_s !== null) b.measure('scan_docs_per_s', scan.docs_per_s, { labels: { collection }, key: `scan_docs_per_s[${collection}]` });
    rules.forEach((rule, i) => {
      outcomes.push(results[i]!);
      judgeRule(b, rule, results[i]!);
    });
  }
  return b.build((status) => {
    const failing = b.findings.filter((f) => f.status === CheckStatus.FAIL || f.status === CheckStatus.WARN).length;
    const head = `${cfg.rules.length - failing}/${cfg.rules.length} rules within thresholds`;
    return status === CheckStatus.PASS ? head : `${head}; ${firstProblem(b.findings)?.message ?? status}`;
  });
}
