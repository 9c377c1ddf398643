import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { insertBatch } from '../../../src/store/batch-write.js';
import { QUARANTINE_RECORD_CHARS, writeRejects } from '../../../src/store/rejects.js';
import { runCli, scratchDatabases, stackUris, uniqueDb, writePipelineYaml } from '../../helpers.js';

/**
 * Every write verified: counts come from the server's answers. A batch FerretDB refuses as
 * a whole (one NUL string) is split until the refused record is found; the rest is stored.
 * Poison records (too large, too deep, unrepresentable) are rejects, never fatal, and the
 * quarantine stores what it must quarantine.
 */

const scratch = scratchDatabases();

interface JsonReport {
  status: string;
  streams: Array<{ read: number; inserted: number; updated: number; unchanged: number; rejected: number; rejectedByKind: Record<string, number>; balanced: boolean }>;
}

function pipeline(lines: string[], mode: Record<string, unknown> = {}): { file: string; database: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pl-verified-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'a.jsonl'), lines.join('\n') + '\n');
  const database = uniqueDb('verified');
  scratch.dbs.push(database);
  const file = writePipelineYaml(
    {
      name: 'verified',
      mongodb: { uri: stackUris().primary, database },
      streams: [
        {
          name: 'notes',
          source: { type: 'files', path: 'data', format: 'jsonl', stream: 'notes' },
          mapping: 'identity',
          sync_mode: 'incremental',
          destination_sync_mode: 'append',
          destination: { collection: 'notes' },
          batch_size: 500,
          // These inputs are mostly bad on purpose.
          max_reject_rate: 1,
          ...mode,
        },
      ],
    },
    join(dir, 'pipeline.yaml'),
  );
  return { file, database };
}

async function stored(database: string): Promise<number[]> {
  const docs = await scratch.client.db(database).collection('notes').find({}).toArray();
  return docs.map((d) => d.id as number).sort((a, b) => a - b);
}

describe('a bulk write the server refuses as a whole', () => {
  it('stores every good record of the batch and rejects only the NUL one (read 3 → inserted 2, rejected 1)', async () => {
    const { file, database } = pipeline(['{"id":1,"note":"ok"}', '{"id":2,"note":"a\\u0000b"}', '{"id":3,"note":"ok"}']);
    const run = await runCli(['sync', '--config', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    const s = (JSON.parse(run.stdout) as JsonReport).streams[0]!;
    expect(s).toMatchObject({ read: 3, inserted: 2, rejected: 1, rejectedByKind: { server_rejected: 1 }, balanced: true });
    expect(await stored(database)).toEqual([1, 3]);
    const q = await scratch.client.db(database).collection('notes_rejects').find().toArray();
    expect(q).toHaveLength(1);
    expect(q[0]!.location).toEqual({ file: 'data/a.jsonl', row: 2 });
    // The raw text keeps the NUL as its JSON escape; the reason is one line, no Go trace.
    expect(JSON.parse(q[0]!.record_json as string)).toMatchObject({ id: 2, note: 'a\u0000b' });
    const message = (q[0]!.failures as Array<{ message: string }>)[0]!.message;
    expect(message).not.toMatch(/\.go:\d+|\n/);
  });

  it('bisects a batch of 40 with 3 refused documents, then counts a resend as inserted (same run) or unchanged (earlier run)', async () => {
    const database = uniqueDb('bisect');
    scratch.dbs.push(database);
    const coll = scratch.client.db(database).collection('b');
    const bad = new Set([5, 17, 33]);
    const docs = () => Array.from({ length: 40 }, (_, i) => ({ _id: `d${i}`, i, note: bad.has(i) ? 'x\u0000y' : 'ok', _proofline: { run_id: 'run-1' } }));
    const retry = <T>(_what: string, fn: () => Promise<T>): Promise<T> => fn();
    const first = await insertBatch(coll, docs(), { runId: 'run-1', retry });
    const supportsNul = first.failed.length === 0;
    if (supportsNul) {
      // MongoDB stores NUL in strings: nothing to bisect there.
      expect(first.inserted).toBe(40);
    } else {
      expect(first.inserted).toBe(37);
      expect(first.failed.map((f) => f.index).sort((a, b) => a - b)).toEqual([5, 17, 33]);
    }
    expect(await coll.countDocuments()).toBe(first.inserted);
    // The same documents again: stored by this run → inserted; by an earlier run → unchanged.
    const again = await insertBatch(coll, docs(), { runId: 'run-1', retry });
    expect(again.inserted).toBe(first.inserted);
    const later = await insertBatch(coll, docs(), { runId: 'run-2', retry });
    expect(later.unchanged).toBe(first.inserted);
    expect(later.inserted).toBe(0);
    expect(await coll.countDocuments()).toBe(first.inserted);
  });
});

describe('poison records', () => {
  it('rejects too large, too deep and unrepresentable records with their kind and row, and stores the good ones', async () => {
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const deepArray = `{"id":99,"v":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const huge = JSON.stringify({ id: 98, blob: 'x'.repeat(17 * 1024 * 1024) });
    const { file, database } = pipeline(['{"id":1}', huge, '{"id":2}', deepObject, deepArray, '{"id":3,"t":-1e400}', '{"id":4}']);
    const run = await runCli(['sync', '--config', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/Maximum call stack|RangeError/);
    const s = (JSON.parse(run.stdout) as JsonReport).streams[0]!;
    expect(s).toMatchObject({ read: 7, inserted: 3, rejected: 4, rejectedByKind: { too_large: 1, too_deep: 2, unrepresentable: 1 }, balanced: true });
    expect(await stored(database)).toEqual([1, 2, 4]);
    const q = await scratch.client.db(database).collection('notes_rejects').find().sort({ 'location.row': 1 }).toArray();
    expect(q.map((d) => `${d.location.row} ${(d.rules as string[]).join(',')}`)).toEqual(['2 too_large', '4 too_deep', '5 too_deep', '6 unrepresentable']);
    expect(q[3]!.failures[0]).toMatchObject({ field: 't', value: '-Infinity' });
    // The 17 MB record is kept as truncated text with its full length and hash.
    expect(q[0]!.record_truncated).toBe(true);
    expect(q[0]!.record_length).toBeGreaterThan(huge.length);
    expect((q[0]!.record_json as string).length).toBeLessThanOrEqual(QUARANTINE_RECORD_CHARS);
    expect(q[0]!.record_sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('the quarantine', () => {
  it('stores records no server could store as values: NUL, -Infinity, a 10 MB string, 10,000-deep nesting', async () => {
    const database = uniqueDb('quarantine');
    scratch.dbs.push(database);
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    const records = [{ note: 'a\u0000b', ['k\u0000']: 1 }, { t: -Infinity, n: NaN }, { big: 'y'.repeat(10 * 1024 * 1024) }, deep];
    const rejects = records.map((record, i) => ({
      stream: 's',
      location: { file: 'f.jsonl', row: i + 1 },
      record,
      failures: [{ field: 'x', rule: 'test', value: Object.values(record)[0], message: `bad\u0000 ${i}` }],
    }));
    expect(await writeRejects(scratch.client.db(database), 'c', 'run-1', rejects)).toBe(4);
    const q = await scratch.client.db(database).collection('c_rejects').find().sort({ 'location.row': 1 }).toArray();
    expect(q).toHaveLength(4);
    expect(JSON.parse(q[0]!.record_json as string)).toEqual({ note: 'a\u0000b', 'k\u0000': 1 });
    expect(q[1]!.failures[0].value).toBe('-Infinity');
    expect(q[2]).toMatchObject({ record_truncated: true, record_length: 10 * 1024 * 1024 + 10 });
    expect(q[3]!.record_truncated).toBe(false);
    // A rerun over the same rejects does not duplicate them.
    expect(await writeRejects(scratch.client.db(database), 'c', 'run-2', rejects)).toBe(4);
    expect(await scratch.client.db(database).collection('c_rejects').countDocuments()).toBe(4);
  });
});
