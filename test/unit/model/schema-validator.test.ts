import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ObjectId, Long } from 'mongodb';
import { toMongoJsonSchema } from '../../../src/model/mongo-json-schema.js';
import { compileValidator, loadSchema, toJsonView } from '../../../src/model/schema.js';
import { makeDocGenerator } from '../../../bench/weather-docs.js';
import { ROOT } from '../../helpers.js';

const schema = loadSchema(join(ROOT, 'examples/weather/schemas/hourly_measurements.json'));
const validate = compileValidator(schema);
const valid = () => toJsonView({ _id: new ObjectId(), ...makeDocGenerator(1)(0) }, true) as Record<string, unknown>;

describe('schema validator on the weather target schema', () => {
  it('accepts a generated valid document (dates as BSON dates, _id as ObjectId)', () => {
    expect(validate(valid())).toEqual([]);
  });

  it('classifies each failure kind on the right field', () => {
    const cases: [string, (d: Record<string, unknown>) => void, string, string][] = [
      ['missing required field', (d) => delete d.humidity_pct, 'humidity_pct', 'required'],
      ['wrong type', (d) => (d.temperature_c = '12.5'), 'temperature_c', 'type'],
      ['above maximum', (d) => (d.pressure_hpa = 1500), 'pressure_hpa', 'maximum'],
      ['below minimum', (d) => (d.humidity_pct = -1), 'humidity_pct', 'minimum'],
      ['unexpected field', (d) => (d.colour = 'blue'), 'colour', 'additionalProperties'],
      ['enum', (d) => (d.source = 'excel'), 'source', 'enum'],
      ['format', (d) => (d.dh_utc = 'yesterday'), 'dh_utc', 'format'],
      ['nested required', (d) => delete (d._proofline as Record<string, unknown>).run_id, '_proofline.run_id', 'required'],
    ];
    for (const [what, mutate, field, rule] of cases) {
      const d = valid();
      mutate(d);
      const failures = validate(d);
      expect(failures, what).toHaveLength(1);
      expect(failures[0], what).toMatchObject({ field, rule });
    }
  });

  it('keeps the offending value for the report', () => {
    const d = valid();
    d.pressure_hpa = 1500;
    expect(validate(d)[0]).toMatchObject({ value: 1500, message: expect.stringContaining('pressure_hpa') });
  });
});

describe('JSON view', () => {
  it('turns BSON types into what JSON Schema describes and drops _id unless asked', () => {
    const at = new Date('2024-10-05T00:00:00Z');
    const id = new ObjectId();
    expect(toJsonView({ _id: id, at, n: Long.fromNumber(5), nested: [{ at }] })).toEqual({ at: '2024-10-05T00:00:00.000Z', n: 5, nested: [{ at: '2024-10-05T00:00:00.000Z' }] });
    expect(toJsonView({ _id: id }, true)).toEqual({ _id: id.toHexString() });
  });
});

describe('$jsonSchema translation', () => {
  it('maps date-time strings to BSON dates, drops format/$schema and allows _id', () => {
    const m = toMongoJsonSchema(schema) as { properties: Record<string, Record<string, unknown>>; $schema?: unknown };
    expect(m.$schema).toBeUndefined();
    expect(m.properties.dh_utc).toMatchObject({ bsonType: 'date' });
    expect(m.properties.dh_utc!.format).toBeUndefined();
    expect(m.properties.temperature_c!.bsonType).toEqual(['double', 'int', 'long', 'decimal', 'null']);
    expect(m.properties._id).toBeDefined();
    expect(JSON.stringify(m)).not.toMatch(/"format"|"type"|"\$id"/);
  });
});
