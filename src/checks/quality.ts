import type { Db } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import type { DuplicatesRule, FreshnessRule, QualityRule } from '../config/checks.js';
import { CheckStatus, type CheckResult } from './result.js';
import { ResultBuilder, firstProblem } from './builder.js';
import { describeEndpoint, endpointsOf, unreachableFinding } from './endpoints.js';
import type { CheckContext } from './check-session.js';
import { parseDuration } from '../common/duration.js';
import { crossField, nullRate, range, ruleName, toEpochMs, volume, type StreamEvaluator, type StreamOutcome } from './quality-rules.js';

/**
 * Quality rules declared in the config. Duplicates and freshness are asked of the server
 * (an aggregation and an indexed sort); the per-document rules share one streaming pass
 * per collection, evaluated in Node because FerretDB v1 cannot run most $expr.
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

function evaluatorOf(rule: QualityRule): StreamEvaluator | null {
  switch (rule.type) {
    case 'null_rate':
      return nullRate(rule);
    case 'range':
      return range(rule);
    case 'cross_field':
      return crossField(rule);
    case 'volume':
      return volume(rule);
    default:
      return null;
  }
}

async function duplicates(db: Db, collection: string, rule: DuplicatesRule): Promise<StreamOutcome> {
  const id = Object.fromEntries(rule.key.map((k, i) => [`k${i}`, `$${k}`]));
  const rows = await db
    .collection(collection)
    .aggregate([{ $group: { _id: id, n: { $sum: 1 } } }, { $match: { n: { $gt: 1 } } }, { $sort: { n: -1 } }, { $limit: 1000 }], { allowDiskUse: true })
    .toArray();
  const examples = rows.slice(0, 5).map((r) => ({ key: Object.fromEntries(rule.key.map((k, i) => [k, (r._id as Record<string, unknown>)[`k${i}`]])), count: r.n }));
  const extra = rows.reduce((a, r) => a + Number(r.n) - 1, 0);
  return { value: rows.length, evaluated: -1, detail: { key: rule.key, duplicate_keys: rows.length, extra_documents: extra, examples, capped_at: 1000 } };
}

async function freshness(db: Db, collection: string, rule: FreshnessRule, now: number): Promise<StreamOutcome> {
  const newest = await db
    .collection(collection)
    .find({ [rule.field]: { $ne: null } }, { projection: { [rule.field]: 1 } })
    .sort({ [rule.field]: -1 })
    .limit(1)
    .next();
  const t = newest ? toEpochMs(rule.field.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown> | null)?.[p], newest)) : null;
  return { value: t === null ? null : now - t, evaluated: newest ? 1 : 0, detail: { newest: t === null ? null : new Date(t).toISOString(), max_age: rule.max_age } };
}

async function evaluateCollection(db: Db, collection: string, rules: QualityRule[], ctx: CheckContext): Promise<RuleOutcome[]> {
  const now = Date.now();
  const out: RuleOutcome[] = [];
  const streaming: { rule: QualityRule; ev: StreamEvaluator }[] = [];
  for (const rule of rules) {
    const ev = evaluatorOf(rule);
    if (ev) streaming.push({ rule, ev });
  }
  if (streaming.length) {
    for await (const doc of db.collection(collection).find({}).batchSize(1000)) {
      if (ctx.signal?.aborted) break;
      for (const s of streaming) s.ev.visit(doc);
    }
  }
  for (const rule of rules) {
    const base = { name: ruleName(rule), type: rule.type, collection };
    if (rule.type === 'duplicates') out.push({ ...base, ...(await duplicates(db, collection, rule)) });
    else if (rule.type === 'freshness') out.push({ ...base, ...(await freshness(db, collection, rule, now)) });
    else out.push({ ...base, ...streaming.find((s) => s.rule === rule)!.ev.finish(now) });
  }
  return out;
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
  for (const [collection, rules] of byCollection) {
    const results = await evaluateCollection(db, collection, rules, ctx);
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
