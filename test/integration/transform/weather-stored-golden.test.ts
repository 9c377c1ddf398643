import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Document, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, primaryClient, runCli, stackUris, uniqueDb, weatherExampleCopy } from '../../helpers.js';

/**
 * The weather example, mapped by its declarations (examples/weather/mappings/), stores
 * exactly what the hand-written TypeScript mappers it replaced stored: every document
 * with every field and `_id`, and every reject with its stream, location, kinds and
 * fields. The golden file was written by those mappers (run with PROOFLINE_WRITE_GOLDEN=1
 * on the commit before they were removed) over the sample data, which covers both DST
 * changes (2024-03-31 spring gap, 2024-10-27 autumn repeat) and every deliberately bad row.
 */

const GOLDEN = join(ROOT, 'test/fixtures/weather-golden-stored.jsonl');
const COLLECTIONS = ['hourly_measurements', 'stations'];

/** Keys sorted at every level: the comparison is of content, not of insertion order. */
function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sorted((value as Document)[k])]));
}

/** A stored document without what differs between two runs (run id, ingestion time). */
function stable(doc: Document): unknown {
  const { _proofline: lineage, ...rest } = doc;
  const { run_id: _run, ingested_at: _at, ...where } = (lineage ?? {}) as Document;
  return sorted(JSON.parse(JSON.stringify({ ...rest, _proofline: where })));
}

function rejectView(r: Document): Document {
  const failures = (r.failures as Document[]).map((f) => `${String(f.rule)} ${String(f.field)}`).sort();
  return sorted({ stream: r.stream, location: r.location, rules: [...(r.rules as string[])].sort(), failures }) as Document;
}

async function dump(client: MongoClient, db: string): Promise<string[]> {
  const lines: string[] = [];
  for (const name of COLLECTIONS) {
    const docs = await client.db(db).collection(name).find().sort({ _id: 1 }).toArray();
    for (const d of docs) lines.push(JSON.stringify({ collection: name, doc: stable(d) }));
    const rejects = await client.db(db).collection(`${name}_rejects`).find().toArray();
    const views = rejects.map((r) => JSON.stringify({ collection: `${name}_rejects`, reject: rejectView(r) })).sort();
    lines.push(...views);
  }
  return lines;
}

describe('weather example: declarative mappings store what the TypeScript mappers stored', () => {
  let client: MongoClient;
  const db = uniqueDb('golden');
  let lines: string[];

  beforeAll(async () => {
    client = await primaryClient();
    const config = weatherExampleCopy(db);
    const r = await runCli(['sync', '--config', config, '--json'], { env: { MONGODB_URI: stackUris().primary }, timeoutMs: 240_000 });
    expect(r.code, r.stderr).toBe(0);
    lines = await dump(client, db);
    if (process.env.PROOFLINE_WRITE_GOLDEN === '1') writeFileSync(GOLDEN, `${lines.join('\n')}\n`);
  }, 300_000);

  afterAll(async () => {
    await client?.db(db).dropDatabase();
    await client?.close();
  });

  it('has a golden file to compare with', () => {
    expect(existsSync(GOLDEN)).toBe(true);
  });

  it('stores the same documents, field for field, and the same rejects by kind and location', () => {
    const golden = readFileSync(GOLDEN, 'utf8').trimEnd().split('\n');
    // Counted first, so a mismatch says what kind of line is missing or extra.
    const kinds = (ls: string[]) => ls.reduce<Record<string, number>>((acc, l) => {
      const k = (JSON.parse(l) as { collection: string }).collection;
      acc[k] = (acc[k] ?? 0) + 1;
      return acc;
    }, {});
    expect(kinds(lines)).toEqual(kinds(golden));
    const missing = golden.filter((l) => !lines.includes(l));
    const extra = lines.filter((l) => !golden.includes(l));
    expect({ missing: missing.slice(0, 3), extra: extra.slice(0, 3), differing: missing.length }).toEqual({ missing: [], extra: [], differing: 0 });
  });
});
