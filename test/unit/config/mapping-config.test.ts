import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { checkStreams } from '../../../src/sync/check-streams.js';
import { ConfigError, isUsageOrConfigError } from '../../../src/errors.js';
import { runCli } from '../../helpers.js';

/** Mapping declarations are checked at config load: every problem is exit 2 naming stream, field and problem. */

const base = { name: 'p', mongodb: { uri: 'mongodb://127.0.0.1:1/', database: 'x' } };
const stream = (mapping: unknown) => ({ name: 'sensors', source: { type: 'files', path: 'data', format: 'csv', stream: 'sensors' }, mapping, destination: { collection: 'sensors' } });

function messageOf(mapping: unknown, file = 'pipeline.yaml'): string {
  try {
    checkStreams(parseConfig({ ...base, streams: [stream(mapping)] }, file, {}));
  } catch (e) {
    expect(isUsageOrConfigError(e)).toBe(true);
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('mapping declarations in the config', () => {
  it('accepts an inline declaration and a mapping file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-map-'));
    writeFileSync(join(dir, 'm.yaml'), 'fields:\n  temp: { parse: number }\n');
    const c = parseConfig({ ...base, streams: [stream({ fields: { temp: 'number' } }), { ...stream('m.yaml'), name: 'b' }] }, join(dir, 'pipeline.yaml'), {});
    expect(c.streams.map((s) => s.mapping)).toEqual([{ fields: { temp: 'number' } }, 'm.yaml']);
  });

  it('names the stream, the field and the problem', () => {
    expect(messageOf({ fields: { temp: { parse: 'nombre' } } })).toContain('streams[0] (sensors).mapping: fields.temp: unknown parse "nombre"');
    expect(messageOf({ fields: { temp: { parse: 'number', convert: { from: 'degF', to: 'parsec/h' } } } })).toContain('streams[0] (sensors).mapping: fields.temp: unknown unit or conversion');
    expect(messageOf({ fields: { hot: { compute: 'temp >' } } })).toContain('streams[0] (sensors).mapping: fields.hot: bad JSONata expression');
    expect(messageOf({ fields: [{ field: 'temp', parse: 'number' }, { field: 'temp', parse: 'integer' }] })).toContain('streams[0] (sensors).mapping: fields.temp: mapped twice');
    expect(messageOf({ fields: { temp: { parse: 'number', colour: 'red' } } })).toContain('colour');
    expect(messageOf('missing.yaml')).toContain('streams[0] (sensors).mapping: cannot read mapping file missing.yaml');
    expect(messageOf('no_such_builtin')).toContain('streams[0] (sensors).mapping: must be "identity", a mapping file');
  });

  it('makes `proofline sync` exit 2 before touching the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-map-'));
    const cfg = join(dir, 'pipeline.yaml');
    writeFileSync(
      cfg,
      [
        'name: p',
        'mongodb: { uri: "mongodb://127.0.0.1:1/", database: x }',
        'streams:',
        '  - name: sensors',
        '    source: { type: files, path: ., format: csv, stream: sensors }',
        '    mapping: { fields: { temp: { parse: number, convert: { from: degF, to: furlong } } } }',
        '    destination: { collection: sensors }',
      ].join('\n'),
    );
    const r = await runCli(['sync', '--config', cfg]);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toContain('streams[0] (sensors).mapping: fields.temp: unknown unit or conversion');
  }, 60_000);
});
