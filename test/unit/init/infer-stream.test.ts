import { beforeAll, describe, expect, it } from 'vitest';
import { guessTextColumn } from '../../../src/init/column-guess.js';
import { inferStream, type InferredStream } from '../../../src/init/infer-stream.js';
import { detectDelimiter } from '../../../src/init/sample-file.js';

describe('init: column guesses', () => {
  it('recognises decimal commas, units in cells, local and offset date-times, and counts misfits', () => {
    expect(guessTextColumn(['18,5 °C', '19 °C', 'abc'])).toEqual({ parse: { parse: 'number', decimal: ',', unit: '°C' }, misfits: ['abc'] });
    expect(guessTextColumn(['1', '22', ''])).toEqual({ parse: { parse: 'integer' }, misfits: [] });
    expect(guessTextColumn(['01/03/2024 10:00']).parse).toEqual({ parse: 'datetime', offset: false, format: 'dd/MM/yyyy HH:mm' });
    expect(guessTextColumn(['2024-03-01T10:00:00+01:00']).parse).toEqual({ parse: 'datetime', offset: true, format: 'iso' });
    expect(guessTextColumn(['2024-03-01 10:00:00+0100']).parse).toEqual({ parse: 'datetime', offset: true, format: 'yyyy-MM-dd HH:mm:ssZZZ' });
    expect(guessTextColumn(['2024-03-01 10:00Z']).parse).toEqual({ parse: 'datetime', offset: true, format: "yyyy-MM-dd HH:mm'Z'" });
    expect(guessTextColumn(['yes', 'no']).parse).toEqual({ parse: 'boolean' });
  });

  it('finds the delimiter of the header line', () => {
    expect(detectDelimiter('a;b;c')).toBe(';');
    expect(detectDelimiter('a,b')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
  });
});

describe('init: inferred stream', () => {
  const records = [
    { station: 'S1', time: '2024-01-01T00:00:00Z', temp: 1.5, updated: '2024-01-02T00:00:00Z' },
    { station: 'S2', time: '2024-01-01T00:00:00Z', temp: 2.5, updated: '2024-01-02T00:00:00Z' },
    { station: 'S1', time: '2024-01-01T01:00:00Z', temp: 'warm', updated: '2024-01-02T00:00:00Z' },
    { station: 'S2', time: '2024-01-01T01:00:00Z', temp: 3, updated: '2024-01-02T00:00:00Z' },
  ];
  let inferred: InferredStream;
  beforeAll(async () => {
    inferred = await inferStream({ file: 'x.jsonl', format: 'jsonl', records, unparseable: 0 }, 'x', 'UTC');
  });

  it('picks a key unique in the sample, never a measurement, and a cursor outside it', () => {
    expect(inferred.keys[0]).toEqual({ fields: ['station', 'time'], repeats: 0 });
    expect(inferred.keys.flatMap((k) => k.fields)).not.toContain('temp');
    expect(inferred.cursor).toBe('updated');
  });

  it('types each column by its majority, so the odd value is rejected, and says so', () => {
    expect((inferred.schema.properties as Record<string, unknown>).temp).toEqual({ type: 'number' });
    expect(inferred.columns.find((c) => c.name === 'temp')).toMatchObject({ type: 'number', misfits: ['"warm"'] });
    expect(inferred.notes.join('\n')).toContain('check: temp: 1 sampled value(s) do not fit "number" (e.g. "warm")');
  });

  it('says when nothing is unique', async () => {
    const flat = await inferStream({ file: 'y.csv', format: 'csv', records: [{ a: 'x' }, { a: 'x' }, { a: 'x' }], unparseable: 1 }, 'y', 'UTC');
    expect(flat.keys).toEqual([]);
    expect(flat.notes).toContain('check: no column or pair of columns is unique in the sample: no primary key, the stream appends');
    expect(flat.notes[0]).toContain('1 line(s) of the sample could not be parsed');
  });
});

describe('init: the guessed mapping and the schema of what it stores', () => {
  const csv = [
    { sensor: 'A1', at: '27/10/2024 02:30', temp: '18,5 °C', ok: 'oui', note: '' },
    { sensor: 'A1', at: '27/10/2024 02:30', temp: '17,9 °C', ok: 'non', note: 'x' },
    { sensor: 'B2', at: '27/10/2024 03:00', temp: '19 °C', ok: 'oui', note: '' },
  ];

  it('types every CSV column with the parse its values suggest, local times in the given zone', async () => {
    const inferred = await inferStream({ file: 's.csv', format: 'csv', records: csv, unparseable: 0 }, 's', 'Europe/Paris');
    expect(inferred.mapping.fields).toEqual({
      sensor: 'text',
      at: { parse: 'local_time', format: 'dd/MM/yyyy HH:mm', zone: 'Europe/Paris' },
      temp: { parse: 'number', units_in_cell: ['°C'] },
      ok: 'boolean',
      note: 'text',
    });
    expect(inferred.schema.properties).toEqual({
      sensor: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
      temp: { type: 'number' },
      ok: { type: 'boolean' },
      note: { type: ['string', 'null'] }, // an empty cell is stored as null
    });
  });

  it('keeps JSON types: numbers, booleans, objects', async () => {
    const records = [
      { id: 1, v: 1.5, flag: true, tags: { a: 1 } },
      { id: 2, v: null, flag: false, tags: { a: 2 } },
    ];
    const inferred = await inferStream({ file: 'j.jsonl', format: 'jsonl', records, unparseable: 0 }, 'j', 'UTC');
    expect(inferred.mapping.fields).toEqual({ id: 'integer', v: 'number', flag: 'boolean', tags: 'json' });
    expect(inferred.schema.properties).toMatchObject({ id: { type: 'integer' }, v: { type: ['number', 'null'] }, flag: { type: 'boolean' }, tags: { type: 'object' } });
  });
});
