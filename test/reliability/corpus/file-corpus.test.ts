import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Long, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, scratchDatabases, stackUris, uniqueDb, writePipelineYaml } from '../../helpers.js';
import { AIRBYTE_RAW_CASES, CSV_CASES, INFOCLIMAT_CASES, JSONL_CASES, type LineCase, type Outcome } from './file-cases.js';
import { WU_CASES, WU_COLUMNS, writeWorkbooks } from './workbook-cases.js';

/**
 * The bad-input corpus over files (file-cases.ts): every case in one sync per format,
 * through a URI that carries a password. Each case ends exactly as declared (stored as
 * given, or quarantined under its file and row with its rule), the run succeeds and
 * balances, nothing prints a stack trace or the password, and a rerun adds nothing.
 */

const scratch = scratchDatabases();
const SECRET = 'S3cretCorpus9x';

interface StreamReport {
  read: number;
  inserted: number;
  unchanged: number;
  rejected: number;
  balanced: boolean;
}

function credentialed(uri: string): string {
  const u = new URL(uri);
  return `mongodb://postgres:${SECRET}@${u.host}/?authMechanism=PLAIN`;
}

interface StreamSetup {
  name: string;
  /** The stream's source, reading the folder `data`. */
  source: Record<string, unknown>;
  /** Stream keys beside the source (mapping, destination…); identity into `cases` by default. */
  stream?: Record<string, unknown>;
  /** Files written into `data`, and folders copied beside the pipeline (mappings, schemas). */
  files: Record<string, Buffer>;
  copies?: string[];
}

function pipeline(setup: StreamSetup): { file: string; database: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pl-corpus-'));
  mkdirSync(join(dir, 'data'));
  for (const [name, bytes] of Object.entries(setup.files)) writeFileSync(join(dir, 'data', name), bytes);
  for (const c of setup.copies ?? []) cpSync(join(ROOT, c), join(dir, basename(c)), { recursive: true });
  const database = uniqueDb(`corpus_${setup.name}`);
  scratch.dbs.push(database);
  const file = writePipelineYaml(
    {
      name: `corpus_${setup.name}`,
      mongodb: { uri: credentialed(stackUris().primary), database },
      streams: [
        {
          name: 'cases',
          source: setup.source,
          mapping: 'identity',
          sync_mode: 'incremental',
          destination_sync_mode: 'append',
          destination: { collection: 'cases' },
          // The corpus is mostly bad on purpose.
          max_reject_rate: 1,
          ...setup.stream,
        },
      ],
    },
    join(dir, 'pipeline.yaml'),
  );
  return { file, database };
}

/** Stored documents as the user wrote them: Int64 back to BigInt, bookkeeping removed. */
function userView(d: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === '_id' || k === '_proofline') continue;
    out[k] = v instanceof Long ? v.toBigInt() : v;
  }
  return out;
}

interface Expected {
  file: string;
  row: number;
  name: string;
  outcome: Outcome;
}

async function syncAndCheck(setup: StreamSetup, expected: Expected[], exact = true): Promise<void> {
  const { file, database } = pipeline(setup);
  const run = await runCli(['sync', '--config', file, '--json'], { env: { PROOFLINE_LOG_LEVEL: 'debug' } });
  expect(run.code, run.stderr).toBe(0);
  for (const out of [run.stdout, run.stderr]) {
    expect(out).not.toContain(SECRET);
    expect(out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(out).not.toMatch(/\.go:\d+/);
  }
  const counted = expected.filter((e) => !('skipped' in e.outcome));
  const stream = (JSON.parse(run.stdout) as { status: string; streams: StreamReport[] }).streams[0]!;
  const rejected = counted.filter((e) => 'rejected' in e.outcome);
  expect(stream).toMatchObject({ read: counted.length, inserted: counted.length - rejected.length, rejected: rejected.length, balanced: true });
  expect(run.stderr).not.toMatch(/"level":50/);

  const db = scratch.client.db(database);
  const stored = (await db.collection('cases').find().toArray()).map(userView);
  const wanted = counted.flatMap((e) => ('stored' in e.outcome ? [e.outcome.stored] : []));
  expect(stored).toHaveLength(wanted.length);
  for (const w of wanted) expect(stored, `stored${exact ? ' exactly' : ''}: ${JSON.stringify(w, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`).toContainEqual(exact ? w : expect.objectContaining(w));

  const quarantine = await db.collection('cases_rejects').find().toArray();
  expect(quarantine).toHaveLength(rejected.length);
  for (const e of rejected) {
    const rule = (e.outcome as { rejected: string }).rejected;
    const hit = quarantine.find((q) => q.location?.file === e.file && q.location?.row === e.row);
    expect(hit, `case "${e.name}": quarantined at ${e.file} row ${e.row}`).toBeDefined();
    expect(hit!.rules, `case "${e.name}": rule`).toContain(rule);
  }
  // Nothing of the password in any bookkeeping the run wrote.
  for (const c of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await db.collection(c.name).find().toArray();
    expect(JSON.stringify(docs, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)), c.name).not.toContain(SECRET);
  }

  // Nothing doubled: the same input again stores and quarantines nothing new.
  const again = await runCli(['sync', '--config', file, '--json']);
  expect(again.code, again.stderr).toBe(0);
  expect((JSON.parse(again.stdout) as { streams: StreamReport[] }).streams[0]).toMatchObject({ inserted: 0, rejected: 0, balanced: true });
  expect(await db.collection('cases').countDocuments()).toBe(wanted.length);
  expect(await db.collection('cases_rejects').countDocuments()).toBe(rejected.length);
}

const lines = (cases: LineCase[]): Buffer => Buffer.concat(cases.flatMap((c) => [c.line, Buffer.from('\n')]));
const byRow = (file: string, cases: LineCase[]): Expected[] => cases.map((c, i) => ({ file, row: i + 1, name: c.name, outcome: c.outcome }));

describe('the bad-input corpus', () => {
  it(`JSONL: ${JSONL_CASES.length} cases in one file, each stored exactly or quarantined at its row with its rule`, async () => {
    await syncAndCheck({ name: 'jsonl', source: { type: 'files', path: 'data', format: 'jsonl', stream: 'cases', max_line_bytes: 1024 * 1024 }, files: { 'corpus.jsonl': lines(JSONL_CASES) } }, byRow('data/corpus.jsonl', JSONL_CASES));
  });

  it(`Airbyte raw records: ${AIRBYTE_RAW_CASES.length} cases in one file`, async () => {
    await syncAndCheck(
      { name: 'airbyte_raw', source: { type: 'files', path: 'data', format: 'airbyte_jsonl', stream: 'cases' }, files: { 'raw.jsonl': lines(AIRBYTE_RAW_CASES) } },
      byRow('data/raw.jsonl', AIRBYTE_RAW_CASES),
    );
  });

  it(`CSV: ${CSV_CASES.length} files, each row (or the whole file at row 0) ending as declared`, async () => {
    const files = Object.fromEntries(CSV_CASES.map((c) => [c.file, c.bytes]));
    const expected = CSV_CASES.flatMap((c) => c.rows.map((r) => ({ file: `data/${c.file}`, row: r.row, name: c.name, outcome: r.outcome })));
    await syncAndCheck({ name: 'csv', source: { type: 'files', path: 'data', format: 'csv', stream: 'cases' }, files }, expected);
  });

  it(`InfoClimat: ${INFOCLIMAT_CASES.length} payload files`, async () => {
    const files = Object.fromEntries(INFOCLIMAT_CASES.map((c) => [c.file, c.bytes]));
    const expected = INFOCLIMAT_CASES.flatMap((c) => c.rows.map((r) => ({ file: `data/${c.file}`, row: r.row, name: c.name, outcome: r.outcome })));
    await syncAndCheck({ name: 'infoclimat', source: { type: 'infoclimat', paths: ['data/*.json'] }, stream: { source_stream: 'infoclimat_hourly' }, files }, expected);
  });

  it(`Weather Underground workbooks: ${WU_CASES.length} files through the example's mapping, schema and expected columns`, async () => {
    const files = await writeWorkbooks(WU_CASES);
    const expected = WU_CASES.flatMap((c) => c.rows.map((r) => ({ file: `data/${c.file}`, row: r.row, name: c.name, outcome: r.outcome })));
    await syncAndCheck(
      {
        name: 'wunderground',
        source: { type: 'wunderground', path: 'data', stations: [{ id: 'ILAMAD25', timezone: 'Europe/Paris', name: 'La Madeleine', country: 'FR', latitude: 50.659, longitude: 3.07, elevation_m: 23 }] },
        stream: {
          source_stream: 'wunderground_hourly',
          mapping: 'mappings/wunderground_hourly.yaml',
          destination: { collection: 'cases', schema: 'schemas/hourly_measurements.json', primary_key: ['id_station', 'dh_utc'] },
          destination_sync_mode: 'append_dedup',
          // A workbook without the measurements is drift, never a row of nulls.
          expected_columns: Object.fromEntries(WU_COLUMNS.map((c) => [c, 'any'])),
          drift: 'quarantine',
        },
        files,
        copies: ['examples/weather/mappings', 'examples/weather/schemas'],
      },
      expected,
      false,
    );
  });
});
