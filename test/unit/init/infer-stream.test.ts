import { describe, expect, it } from 'vitest';
import { guessTextColumn } from '../../../src/init/column-guess.js';
import { inferStream } from '../../../src/init/infer-stream.js';
import { detectDelimiter } from '../../../src/init/sample-file.js';

describe('init: column guesses', () => {
  it('recognises decimal commas, units in cells, local and offset date-times, and counts misfits', () => {
    expect(guessTextColumn(['18,5 °C', '19 °C', 'abc'])).toEqual({ parse: { parse: 'number', decimal: ',', unit: '°C' }, misfits: ['abc'] });
    expect(guessTextColumn(['1', '22', ''])).toEqual({ parse: { parse: 'integer' }, misfits: [] });
    expect(guessTextColumn(['01/03/2024 10:00']).parse).toEqual({ parse: 'datetime', offset: false, format: 'dd/MM/yyyy HH:mm' });
    expect(guessTextColumn(['2024-03-01T10:00:00+01:00']).parse).toMatchObject({ parse: 'datetime', offset: true });
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
  const inferred = inferStream({ file: 'x.jsonl', format: 'jsonl', records, unparseable: 0 }, 'x');

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

  it('says when nothing is unique', () => {
    const flat = inferStream({ file: 'y.csv', format: 'csv', records: [{ a: 'x' }, { a: 'x' }, { a: 'x' }], unparseable: 1 }, 'y');
    expect(flat.keys).toEqual([]);
    expect(flat.notes).toContain('check: no column or pair of columns is unique in the sample: no primary key, the stream appends');
    expect(flat.notes[0]).toContain('1 line(s) of the sample could not be parsed');
  });
});
