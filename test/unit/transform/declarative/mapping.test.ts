import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../../src/protocol/messages.js';
import { compileMapping } from '../../../../src/transform/declarative/compile.js';
import { declarativeMapper } from '../../../../src/transform/declarative/mapper.js';
import { loadMapping } from '../../../../src/transform/declarative/load.js';
import type { MappingDeclaration } from '../../../../src/transform/declarative/spec.js';
import type { MapOutcome } from '../../../../src/transform/mapper.js';

/** The mapping language from declarations: each parse, conversion, lookup, expression and the DST rule. */

const ctx = { runId: 'r1', stream: 'sensors', ingestedAt: new Date('2024-11-01T00:00:00Z') };

function mapperOf(decl: MappingDeclaration) {
  const { mapping, problems } = loadMapping(decl as unknown as object, process.cwd());
  expect(problems).toEqual([]);
  return declarativeMapper('test', mapping!);
}

async function mapOne(decl: MappingDeclaration, data: JsonObject): Promise<MapOutcome> {
  return mapperOf(decl).map({ _ab_source_file_url: 'in.csv', _ab_source_file_row: 2, ...data }, ctx);
}

async function doc(decl: MappingDeclaration, data: JsonObject): Promise<Record<string, unknown>> {
  const o = await mapOne(decl, data);
  if (!o.ok) throw new Error(`rejected: ${JSON.stringify(o.failures)}`);
  return o.doc;
}

async function failures(decl: MappingDeclaration, data: JsonObject) {
  const o = await mapOne(decl, data);
  if (o.ok) throw new Error(`accepted: ${JSON.stringify(o.doc)}`);
  return o.failures.map((f) => ({ field: f.field, rule: f.rule, value: f.value }));
}

describe('number and integer', () => {
  const decl: MappingDeclaration = { fields: { t: { from: 'temp', parse: 'number', units_in_cell: ['°C'] }, n: { from: 'count', parse: 'integer' } } };

  it('reads decimal commas, non-breaking spaces and the declared unit in the cell', async () => {
    expect(await doc(decl, { temp: '18,5\u00a0°C', count: '3' })).toMatchObject({ t: 18.5, n: 3 });
    expect(await doc(decl, { temp: '-2.25', count: 7 })).toMatchObject({ t: -2.25, n: 7 });
  });

  it('rejects stray text with the source column, raw value and number_format', async () => {
    expect(await failures(decl, { temp: '18,5 °F', count: '1' })).toEqual([{ field: 'temp', rule: 'number_format', value: '18,5 °F' }]);
    expect(await failures(decl, { temp: 'abc', count: '2.5' })).toEqual([
      { field: 'temp', rule: 'number_format', value: 'abc' },
      { field: 'count', rule: 'integer_format', value: '2.5' },
    ]);
  });

  it('gives null (or the default) for empty cells, and rejects an empty required one', async () => {
    expect(await doc(decl, { temp: '', count: null })).toMatchObject({ t: null, n: null });
    expect(await doc({ fields: { n: { from: 'count', parse: 'integer', default: 0 } } }, { count: 'n/a' })).toMatchObject({ n: 0 });
    expect(await failures({ fields: { n: { from: 'count', parse: 'integer', required: true } } }, {})).toEqual([{ field: 'count', rule: 'required', value: null }]);
  });

  it('counts as empty what the declaration says', async () => {
    const d: MappingDeclaration = { empty: ['', '?'], fields: { t: { from: 'temp', parse: 'number' } } };
    expect(await doc(d, { temp: '?' })).toMatchObject({ t: null });
  });
});

describe('boolean and enum', () => {
  it('reads yes/no words and declared extras', async () => {
    const d: MappingDeclaration = { fields: { on: { parse: 'boolean', true_values: ['actif'] } } };
    expect(await doc(d, { on: 'Oui' })).toMatchObject({ on: true });
    expect(await doc(d, { on: 'actif' })).toMatchObject({ on: true });
    expect(await doc(d, { on: '0' })).toMatchObject({ on: false });
    expect(await failures(d, { on: 'maybe' })).toEqual([{ field: 'on', rule: 'boolean_format', value: 'maybe' }]);
  });

  it('maps a lookup table with normalisation, and names the reject kind as declared', async () => {
    const d: MappingDeclaration = { fields: { dir: { from: 'wind', parse: 'enum', ignore_chars: ' .', reject_as: 'compass_format', values: { N: 0, NNE: 22.5, CALM: null } } } };
    expect(await doc(d, { wind: 'n.n.e' })).toMatchObject({ dir: 22.5 });
    expect(await doc(d, { wind: 'Calm' })).toMatchObject({ dir: null });
    expect(await failures(d, { wind: 'up' })).toEqual([{ field: 'wind', rule: 'compass_format', value: 'up' }]);
  });
});

describe('date-time and local time', () => {
  it('reads a date-time with an explicit format in a zone', async () => {
    const d: MappingDeclaration = { fields: { at: { from: 'when', parse: 'datetime', format: 'dd/MM/yyyy HH:mm', zone: 'Europe/Paris' } } };
    expect(((await doc(d, { when: '05/10/2024 14:30' })).at as Date).toISOString()).toBe('2024-10-05T12:30:00.000Z');
    expect(await failures(d, { when: '2024-10-05' })).toEqual([{ field: 'when', rule: 'time_format', value: '2024-10-05' }]);
  });

  it('resolves the autumn repeated hour by order within a file and rejects the spring gap as dst_gap', async () => {
    const d: MappingDeclaration = { fields: { at: { from: 'local', parse: 'local_time', format: 'yyyy-MM-dd HH:mm', zone: 'Europe/Paris' } } };
    const m = mapperOf(d);
    const at = async (local: string, file = 'a.csv') => {
      const o = await m.map({ _ab_source_file_url: file, _ab_source_file_row: 1, local }, ctx);
      return o.ok ? (o.doc.at as Date).toISOString() : o.failures[0]!.rule;
    };
    expect(await at('2024-10-27 01:30')).toBe('2024-10-26T23:30:00.000Z');
    expect(await at('2024-10-27 02:30')).toBe('2024-10-27T00:30:00.000Z');
    expect(await at('2024-10-27 02:10')).toBe('2024-10-27T01:10:00.000Z');
    expect(await at('2024-10-27 02:30')).toBe('2024-10-27T01:30:00.000Z');
    // A new file starts the order afresh: its first 02:30 is summer time again.
    expect(await at('2024-10-27 02:30', 'b.csv')).toBe('2024-10-27T00:30:00.000Z');
    expect(await at('2024-03-31 02:30', 'c.csv')).toBe('dst_gap');
  });

  it('takes the zone and the date from other source fields for a clock-time cell', async () => {
    const d: MappingDeclaration = { fields: { at: { from: 'Time', parse: 'local_time', date_from: '_pl_date', zone_from: '_pl_tz', required: true } } };
    expect(((await doc(d, { Time: '1:35 PM', _pl_date: '2024-10-25', _pl_tz: 'Europe/Brussels' })).at as Date).toISOString()).toBe('2024-10-25T11:35:00.000Z');
    expect(await failures(d, { Time: '', _pl_date: '2024-10-25', _pl_tz: 'Europe/Brussels' })).toEqual([{ field: 'Time', rule: 'time_format', value: '' }]);
    expect(await failures(d, { Time: '1:35 PM', _pl_date: '2024-10-25', _pl_tz: 'Mars/Olympus' })).toEqual([{ field: 'Time', rule: 'time_zone', value: '1:35 PM' }]);
  });
});

describe('units, rounding, constants, lookups, expressions', () => {
  it('converts through the units library and rounds', async () => {
    const d: MappingDeclaration = {
      fields: {
        c: { from: 'f', parse: 'number', units_in_cell: ['°F'], convert: { from: 'degF', to: 'degC' }, round: 2 },
        kmh: { from: 'mph', parse: 'number', convert: { from: 'mph', to: 'km/h' }, round: 2 },
        hpa: { from: 'inhg', parse: 'number', convert: { from: 'inHg', to: 'hPa' }, round: 2 },
        mm: { from: 'in', parse: 'number', convert: { from: 'in', to: 'mm' }, round: 1 },
        k: { from: 'c2', parse: 'number', convert: { from: 'degC', to: 'K' } },
      },
    };
    expect(await doc(d, { f: '56.8 °F', mph: '10', inhg: '29.92', in: '0.5', c2: '0' })).toMatchObject({ c: 13.78, kmh: 16.09, hpa: 1013.21, mm: 12.7, k: 273.15 });
  });

  it('sets constants, nested targets and keeps lineage', async () => {
    const d: MappingDeclaration = { source: 'lab', fields: { kind: { const: 'sensor' }, 'loc.room': { from: 'room', parse: 'text' } } };
    const out = await doc(d, { room: ' B12 ' });
    expect(out).toMatchObject({ kind: 'sensor', loc: { room: 'B12' }, _proofline: { source: 'lab', file: 'in.csv', row: 2, run_id: 'r1' } });
  });

  it('looks values up in reference data and rejects unknown keys', async () => {
    const d: MappingDeclaration = {
      reference: { stations: { key: 'id', rows: [{ id: 'ILAMAD25', timezone: 'Europe/Paris' }] } },
      fields: { tz: { from: 'station', parse: 'text', lookup: { table: 'stations', column: 'timezone' } } },
    };
    expect(await doc(d, { station: 'ILAMAD25' })).toMatchObject({ tz: 'Europe/Paris' });
    expect(await failures(d, { station: 'XYZ' })).toEqual([{ field: 'station', rule: 'lookup', value: 'XYZ' }]);
  });

  it('computes fields with JSONata over the fields above and the source record', async () => {
    const d: MappingDeclaration = {
      fields: {
        t: { from: 'temp', parse: 'number' },
        hot: { compute: 't > 25' },
        label: { compute: '$uppercase($source.city) & "-" & $string(t)' },
      },
    };
    expect(await doc(d, { temp: '30,5', city: 'lille' })).toMatchObject({ t: 30.5, hot: true, label: 'LILLE-30.5' });
  });

  it('keeps unmapped columns when asked (typed pass-through)', async () => {
    const out = await doc({ keep_unmapped: true, fields: { temp: 'number' } }, { temp: '1,5', city: 'Lille', _pl_x: 1 });
    expect(out).toMatchObject({ temp: 1.5, city: 'Lille' });
    expect(out).not.toHaveProperty('_pl_x');
  });

  it('matches headers loosely when asked', async () => {
    const d: MappingDeclaration = { match_columns: 'loose', fields: { rate: { from: 'preciprate', parse: 'number' } } };
    expect(await doc(d, { 'Precip. Rate.': '0,2' })).toMatchObject({ rate: 0.2 });
  });
});

describe('declaration errors', () => {
  const problems = (decl: unknown) => loadMapping(decl as object, process.cwd()).problems;

  it('names the field and the problem', () => {
    expect(problems({ fields: { a: { parse: 'nombre' } } })).toEqual([expect.stringMatching(/^fields\.a: unknown parse "nombre"/)]);
    expect(problems({ fields: { a: { parse: 'number', convert: { from: 'degF', to: 'furlong' } } } })).toEqual([expect.stringMatching(/^fields\.a: unknown unit or conversion: .*furlong/)]);
    expect(problems({ fields: { a: { parse: 'number', convert: { from: 'degF', to: 'km/h' } } } })).toEqual([expect.stringMatching(/^fields\.a: unknown unit or conversion/)]);
    expect(problems({ fields: { a: { compute: 'x +' } } })).toEqual([expect.stringMatching(/^fields\.a: bad JSONata expression "x \+"/)]);
    expect(problems({ fields: [{ field: 'a', parse: 'number' }, { field: 'a', parse: 'text' }] })).toEqual(['fields.a: mapped twice']);
    expect(problems({ fields: { a: { lookup: { table: 'nope' } } } })).toEqual([expect.stringMatching(/^fields\.a: lookup into unknown reference table "nope"/)]);
    expect(problems({ fields: { a: { parse: 'local_time' } } })).toEqual([expect.stringMatching(/^fields\.a: parse local_time needs `zone`/), expect.stringMatching(/needs `date_from`/)]);
    expect(problems({ primary_key: ['b'], fields: { a: 'text' } })).toEqual(['primary_key: "b" is not a mapped field']);
  });

  it('compiles record-level keys for drift and dedup to read', () => {
    const { mapping } = compileMapping({ primary_key: ['id'], cursor: 'at', expected_columns: ['id', 'at'], fields: { id: 'text', at: 'datetime' } }, {});
    expect(mapping).toMatchObject({ primaryKey: ['id'], cursor: 'at', expectedColumns: ['id', 'at'] });
  });
});
