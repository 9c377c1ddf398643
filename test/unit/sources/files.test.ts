import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { filesSource } from '../../../src/sources/files/connector.js';
import { catalogFor, collect, readContext } from './collect.js';

async function readAll(config: Record<string, unknown>, state = {}, ctx = readContext()) {
  return collect(filesSource.read(config, await catalogFor(filesSource, config, [String(config.stream)], 'incremental', ctx), state, ctx));
}

describe('files source', () => {
  it('names its stream after the folder when none is given, so a pipeline names a stream once', async () => {
    const config = { path: 'data/files/jsonl/', format: 'jsonl' };
    const discovered = await filesSource.discover(config, readContext());
    expect(discovered.streams.map((s) => s.name)).toEqual(['jsonl']);
    const out = await collect(filesSource.read(config, await catalogFor(filesSource, config, ['jsonl']), {}, readContext()));
    expect(out.records.jsonl).toHaveLength(25);
  });

  it('JSONL: one record per line, the malformed line as a parse error with its raw text, blank lines skipped', async () => {
    const out = await readAll({ path: 'data/files/jsonl', format: 'jsonl', stream: 'manual' });
    const rows = out.records.manual!;
    expect(rows).toHaveLength(25);
    const bad = rows.filter((r) => r._proofline_error);
    expect(bad).toEqual([expect.objectContaining({ _ab_source_file_row: 8, _raw: expect.stringContaining('"temperature_c": 11.') })]);
    expect(rows[0]).toMatchObject({ station: 'IICHTE19', _ab_source_file_url: 'data/files/jsonl/manual-observations.jsonl', _ab_source_file_row: 1 });
  });

  it('CSV: columns from the header, the truncated row as a parse error on its line', async () => {
    const out = await readAll({ path: 'data/files/csv', format: 'csv', stream: 'manual' });
    const rows = out.records.manual!;
    expect(rows).toHaveLength(25);
    expect(rows[0]).toMatchObject({ station: 'IICHTE19', temperature_c: expect.any(String), _ab_source_file_row: 2 });
    expect(rows.filter((r) => r._proofline_error)).toEqual([expect.objectContaining({ _ab_source_file_row: 12, _raw: 'IICHTE19,2024-10-27T11:30:00Z,ops' })]);
  });

  it('CSV: an unclosed quote (truncated file) is accounted for, with a custom delimiter', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-csv-'));
    writeFileSync(join(dir, 'a.csv'), 'a;b\n1;2\n3;"4\n');
    const ctx = readContext(dir);
    const out = await readAll({ path: '.', format: 'csv', stream: 's', csv: { delimiter: ';' } }, {}, ctx);
    expect(out.records.s).toHaveLength(2);
    expect(out.records.s![0]).toMatchObject({ a: '1', b: '2' });
    expect(out.records.s![1]!._proofline_error).toMatchObject({ rule: 'parse', message: expect.stringMatching(/Quote Not Closed/) });
  });

  it('Airbyte raw JSONL: unwraps _airbyte_data (object or string, v1 and v2 names), keeps the ids', async () => {
    const out = await readAll({ path: 'data/files/airbyte', format: 'airbyte_jsonl', stream: 'manual' });
    const rows = out.records.manual!;
    expect(rows).toHaveLength(11);
    expect(rows[0]).toMatchObject({ station: 'IICHTE19', _pl_airbyte_raw_id: '8f1d7f0c-0000-4000-8000-000000000000', _pl_airbyte_extracted_at: '2024-10-27T08:00:00.000Z' });
    expect(rows[0]).not.toHaveProperty('_airbyte_data');
    expect(rows[10]).toMatchObject({ station: 'ILAMAD25', _pl_airbyte_raw_id: '0b6c5a2e-0000-4000-8000-000000000009', _pl_airbyte_extracted_at: 1730016009000 });
    expect(rows[4]!._proofline_error).toMatchObject({ field: '_airbyte_data' });
  });

  it('incremental: only new or changed files are read on the next run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-files-'));
    writeFileSync(join(dir, '1.jsonl'), '{"a":1}\n');
    const ctx = readContext(dir);
    const cfg = { path: '.', format: 'jsonl', stream: 's' };
    const first = await readAll(cfg, {}, ctx);
    writeFileSync(join(dir, '2.jsonl'), '{"a":2}\n{"a":3}\n');
    const second = await readAll(cfg, first.state, ctx);
    expect(second.records.s!.map((r) => r.a)).toEqual([2, 3]);
    expect(Object.keys(second.state.s!.files as object).sort()).toEqual(['1.jsonl', '2.jsonl']);
  });

  it('fails clearly on a missing folder', async () => {
    await expect(readAll({ path: 'nope', format: 'jsonl', stream: 's' })).rejects.toThrow(/source folder nope does not exist/);
  });
});
