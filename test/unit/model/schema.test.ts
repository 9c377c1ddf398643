import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toMongoJsonSchema } from '../../../src/model/mongo-json-schema.js';
import { compileValidator, loadSchema, toJsonView } from '../../../src/model/schema.js';

const schema = loadSchema(join(import.meta.dirname, '../../../examples/weather/schemas/hourly_measurements.json'));

describe('the target schema, three uses', () => {
  it('becomes a $jsonSchema validator: date-time → date, number|null → numeric BSON types or null', () => {
    const m = toMongoJsonSchema(schema) as { properties: Record<string, { bsonType?: unknown }> ; required: string[] };
    expect(m.properties.dh_utc!.bsonType).toBe('date');
    expect(m.properties.temperature_c!.bsonType).toEqual(['double', 'int', 'long', 'decimal', 'null']);
    expect(m.properties._id!.bsonType, '_id may be any type').toBeUndefined();
    expect(m.required).toContain('id_station');
    expect(JSON.stringify(m)).not.toContain('"format"');
    expect(JSON.stringify(m)).not.toContain('$schema');
  });

  it('validates the JSON view of a document and names every failure by field and rule', () => {
    const validate = compileValidator(schema);
    const nulls = Object.fromEntries(
      ['temperature_c', 'dew_point_c', 'humidity_pct', 'pressure_hpa', 'visibility_m', 'wind_speed_kmh', 'wind_gust_kmh', 'wind_direction_deg', 'rain_1h_mm', 'rain_3h_mm', 'snow_depth_cm', 'cloud_cover_okta', 'weather_code', 'precip_rate_mm', 'precip_accum_mm', 'uv_index', 'solar_wm2'].map((k) => [k, null]),
    );
    const doc = { id_station: '07015', dh_utc: new Date('2024-10-05T00:00:00Z'), source: 'infoclimat', ...nulls, _proofline: { run_id: 'r', source: 'infoclimat', ingested_at: new Date() } };
    expect(validate(toJsonView(doc))).toEqual([]);
    const failures = validate(toJsonView({ ...doc, humidity_pct: 120, temperature_c: 'warm', extra: 1 }));
    expect(failures.map((f) => [f.field, f.rule])).toEqual(expect.arrayContaining([['humidity_pct', 'maximum'], ['temperature_c', 'type'], ['extra', 'additionalProperties']]));
    expect(failures.find((f) => f.field === 'humidity_pct')!.value).toBe(120);
  });
});
