import { describe, expect, it } from 'vitest';
import { toMongoJsonSchema } from '../../../src/model/mongo-json-schema.js';
import { compileValidator } from '../../../src/model/schema.js';

/** proofline's `_proofline` lineage never makes a valid user document invalid, whatever the user's schema says about extra properties. */

const strict = { type: 'object', additionalProperties: false, required: ['a'], properties: { a: { type: 'number' } } };
const lineage = { _proofline: { run_id: 'r', source: 's', ingested_at: '2024-11-01T00:00:00Z' } };

describe('lineage and the user schema', () => {
  it('validates the user part under additionalProperties: false, and still catches the user’s own extra fields', () => {
    const validate = compileValidator(strict);
    expect(validate({ a: 1, ...lineage })).toEqual([]);
    expect(validate({ a: 1, b: 2, ...lineage }).map((f) => f.rule)).toEqual(['additionalProperties']);
    expect(validate({ a: 'x', ...lineage }).map((f) => `${f.field}:${f.rule}`)).toEqual(['a:type']);
  });
  it('validates the lineage where the schema declares it', () => {
    const validate = compileValidator({ ...strict, properties: { ...strict.properties, _proofline: { type: 'object', required: ['file'] } } });
    expect(validate({ a: 1, ...lineage }).map((f) => f.rule)).toEqual(['required']);
  });
  it('lets the server-side $jsonSchema accept _id and the lineage too', () => {
    const mongo = toMongoJsonSchema(strict) as { properties: Record<string, unknown> };
    expect(Object.keys(mongo.properties)).toEqual(['_id', '_proofline', 'a']);
  });
});
