import type { Collection, Document, MongoClient } from 'mongodb';
import { configPath, type PipelineConfig } from '../config/load.js';
import type { SchemaTarget } from '../config/checks.js';
import { UNSUPPORTED_BY_SERVER } from '../store/capabilities.js';
import { capabilitiesOf } from '../store/capability-cache.js';
import { CheckStatus, type CheckResult } from './result.js';
import { ResultBuilder, firstProblem } from './builder.js';
import { describeEndpoint, endpointsOf, unreachableFinding } from './endpoints.js';
import type { CheckContext } from './check-session.js';
import { toMongoJsonSchema } from '../model/mongo-json-schema.js';
import { compileValidator, loadSchema, schemaDeclaresId, toJsonView, type FieldFailure } from '../model/schema.js';
import { serverMessage } from '../common/server-message.js';
import { docsPerSecond } from './quality-plan.js';

/**
 * Schema validity: stream the collection (or a sample) over a cursor, validate each
 * document's JSON view against the target JSON Schema, and count. Memory is bounded:
 * counters plus at most K sample documents. Where the server runs `$jsonSchema` queries,
 * it also counts the invalid documents itself, and both numbers are reported.
 */

export interface CollectionValidity {
  collection: string;
  mode: string;
  checked: number;
  invalid: number;
  invalid_rate: number | null;
  /** Invalid documents with at least one failure of that rule. */
  by_rule: Record<string, number>;
  by_field: Record<string, number>;
  /** Per source: documents checked and invalid. */
  by_source: Record<string, { checked: number; invalid: number }>;
  server_invalid: number | null;
  server_note: string;
  /** The pass: how long it took and how fast it read (docs/performance.md "Checks at scale"). */
  scan_ms: number;
  docs_per_s: number | null;
  samples: { _id: string; source: string; failures: FieldFailure[]; document: unknown }[];
}

const inc = (o: Record<string, number>, k: string): void => {
  o[k] = (o[k] ?? 0) + 1;
};

async function openCursor(coll: Collection, size: number | 'all'): Promise<{ cursor: AsyncIterable<Document>; mode: string }> {
  if (size === 'all') return { cursor: coll.find({}).batchSize(1000), mode: 'full scan' };
  try {
    // Random sample where the server has $sample; probe it once so a failure does not strike mid-stream.
    await coll.aggregate([{ $sample: { size: 1 } }]).toArray();
    return { cursor: coll.aggregate([{ $sample: { size } }], { allowDiskUse: true }), mode: `random sample of ${size} ($sample)` };
  } catch {
    return { cursor: coll.find({}).limit(size).batchSize(1000), mode: `first ${size} documents ($sample ${UNSUPPORTED_BY_SERVER})` };
  }
}

async function scan(client: MongoClient, config: PipelineConfig, target: SchemaTarget, ctx: CheckContext): Promise<CollectionValidity> {
  const cfg = config.checks.schema;
  const schema = loadSchema(configPath(config, target.schema));
  const validate = compileValidator(schema);
  const keepId = schemaDeclaresId(schema);
  const coll = client.db(config.mongodb.database).collection(target.collection);
  const { cursor, mode } = await openCursor(coll, cfg.sample_size);
  const v: CollectionValidity = {
    collection: target.collection,
    mode,
    checked: 0,
    invalid: 0,
    invalid_rate: null,
    by_rule: {},
    by_field: {},
    by_source: {},
    server_invalid: null,
    server_note: '',
    scan_ms: 0,
    docs_per_s: null,
    samples: [],
  };
  const started = performance.now();
  for await (const doc of cursor) {
    if (ctx.signal?.aborted) break;
    const source = typeof doc[cfg.source_field] === 'string' ? (doc[cfg.source_field] as string) : '(none)';
    const src = (v.by_source[source] ??= { checked: 0, invalid: 0 });
    v.checked++;
    src.checked++;
    const view = toJsonView(doc, keepId);
    const failures = validate(view);
    if (failures.length === 0) continue;
    v.invalid++;
    src.invalid++;
    for (const rule of new Set(failures.map((f) => f.rule))) inc(v.by_rule, rule);
    for (const field of new Set(failures.map((f) => f.field))) inc(v.by_field, field);
    if (v.samples.length < cfg.samples_k) v.samples.push({ _id: String(toJsonView(doc._id, true)), source, failures, document: toJsonView(doc, true) });
  }
  v.invalid_rate = v.checked ? v.invalid / v.checked : null;
  v.scan_ms = Math.round(performance.now() - started);
  v.docs_per_s = docsPerSecond(v.checked, v.scan_ms);

  const caps = await capabilitiesOf(client, config.mongodb.uri);
  if (caps.jsonSchemaQuery.supported) {
    try {
      v.server_invalid = await coll.countDocuments({ $nor: [{ $jsonSchema: toMongoJsonSchema(schema) }] });
      v.server_note = 'counted by the server over the whole collection with {$nor: [{$jsonSchema}]}';
    } catch (e) {
      v.server_note = `server-side count failed: ${serverMessage(e)}`;
    }
  } else {
    v.server_note = `server-side $jsonSchema count: ${caps.jsonSchemaQuery.detail ?? UNSUPPORTED_BY_SERVER}`;
  }
  return v;
}

export async function checkSchema(config: PipelineConfig, ctx: CheckContext): Promise<CheckResult> {
  const cfg = config.checks.schema;
  const b = new ResultBuilder('schema');
  const results: CollectionValidity[] = [];
  b.evidence.collections = results;
  if (cfg.collections.length === 0) {
    b.finding(CheckStatus.UNSUPPORTED, 'no collection configured: add checks.schema.collections [{collection, schema}]');
    return b.build(() => 'nothing to validate: checks.schema.collections is empty');
  }
  const primary = endpointsOf(config)[0]!;
  const conn = await ctx.session.member(primary);
  if (!conn.ok) {
    unreachableFinding(b, primary, conn.error);
    return b.build(() => `cannot validate: ${describeEndpoint(primary)} unreachable [${conn.error.code}]`);
  }
  for (const target of cfg.collections) {
    const v = await scan(conn.client, config, target, ctx);
    results.push(v);
    const labels = { collection: v.collection };
    b.measure('documents_checked', v.checked, { labels });
    b.measure('documents_invalid', v.invalid, { labels });
    const rateKey = b.measure('invalid_rate', v.invalid_rate, { labels });
    b.measure('server_invalid', v.server_invalid, { labels });
    if (v.docs_per_s !== null) b.measure('scan_docs_per_s', v.docs_per_s, { labels, key: `scan_docs_per_s[${v.collection}]` });
    for (const [rule, n] of Object.entries(v.by_rule)) b.measure('invalid_by_rule', n, { labels: { ...labels, rule }, key: `invalid_by_rule[${v.collection}/${rule}]` });
    for (const [source, s] of Object.entries(v.by_source)) {
      b.measure('invalid_rate_by_source', s.checked ? s.invalid / s.checked : null, { labels: { ...labels, source }, key: `invalid_rate_by_source[${v.collection}/${source}]` });
    }
    if (v.checked === 0) {
      b.finding(CheckStatus.WARN, `${v.collection}: no documents to validate (empty or missing collection)`, labels);
      continue;
    }
    b.judge(rateKey, '<=', cfg.max_invalid_rate, `${v.collection}: invalid rate (${v.invalid}/${v.checked} documents, ${v.mode})`);
    b.finding(
      v.server_invalid === null ? CheckStatus.UNSUPPORTED : CheckStatus.PASS,
      v.server_invalid === null ? `${v.collection}: ${v.server_note}` : `${v.collection}: server counts ${v.server_invalid} invalid, proofline ${v.invalid}`,
      labels,
    );
  }
  return b.build((status) => {
    const parts = results.map((r) => `${r.collection}: ${r.invalid}/${r.checked} invalid (${r.invalid_rate === null ? 'n/a' : `${(r.invalid_rate * 100).toFixed(2)}%`})`);
    const head = parts.join('; ') || 'no collection validated';
    return status === CheckStatus.PASS || status === CheckStatus.UNSUPPORTED ? head : `${head}; ${firstProblem(b.findings)?.message ?? status}`;
  });
}
