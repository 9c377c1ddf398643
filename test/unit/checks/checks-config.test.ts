import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

const base = { name: 't', mongodb: { uri: 'mongodb://127.0.0.1:1/', database: 'd' } };
const parse = (checks: unknown) => parseConfig({ ...base, checks }, 'p.yaml', {});

describe('checks: config section', () => {
  it('fills defaults for every check', () => {
    const c = parse(undefined).checks;
    expect(c.availability).toMatchObject({ enabled: true, interval: '60s', ping_samples: 20, connect_ms: 2000, ping_p95_ms: 100, op_p95_ms: 500 });
    expect(c.schema).toMatchObject({ sample_size: 'all', samples_k: 5, max_invalid_rate: 0, collections: [] });
    expect(c.replication).toMatchObject({ samples: 10, timeout_ms: 5000, write_concern: { w: 1 }, marker_collection: '_proofline_markers' });
    expect(c.quality.rules).toEqual([]);
  });

  it('accepts every rule type with its defaults', () => {
    const c = parse({
      quality: {
        collection: 'm',
        rules: [
          { type: 'null_rate', field: 'a', max: 0.1 },
          { type: 'duplicates', key: ['a', 'b'] },
          { type: 'range', field: 'a', min: 0, max: 1 },
          { type: 'freshness', field: 'dh_utc', max_age: '2h' },
          { type: 'volume', time_field: 'dh_utc', min_per_day: 24 },
          { type: 'cross_field', left: 'dew', op: '<=', right: 'temp', tolerance: 0.5, severity: 'warn' },
        ],
      },
    }).checks;
    expect(c.quality.rules[1]).toMatchObject({ max: 0, severity: 'fail' });
    expect(c.quality.rules[4]).toMatchObject({ source_field: 'source' });
    expect(c.quality.rules[5]).toMatchObject({ tolerance: 0.5, severity: 'warn', max_violations: 0 });
  });

  it('names an unknown key, a misspelt threshold included', () => {
    expect(() => parse({ availability: { ping_p95: 10 } })).toThrow(/checks\.availability\.ping_p95: is not a known key/);
    expect(() => parse({ quality: { rules: [{ type: 'range', field: 'a', maxx: 1 }] } })).toThrow(/checks\.quality\.rules\.0\.maxx: is not a known key/);
    expect(() => parse({ latency: {} })).toThrow(ConfigError);
  });

  it('rejects bad values with what was expected', () => {
    expect(() => parse({ replication: { interval: 'often' } })).toThrow(/checks\.replication\.interval: must .*duration such as/);
    expect(() => parse({ quality: { rules: [{ type: 'cross_field', left: 'a', op: '=<', right: 'b' }] } })).toThrow(/checks\.quality\.rules\.0\.op: must be one of/);
    expect(() => parse({ quality: { rules: [{ type: 'sometimes' }] } })).toThrow(/checks\.quality\.rules\.0\.type: must be one of/);
    expect(() => parse({ schema: { sample_size: 0 } })).toThrow(/checks\.schema\.sample_size/);
  });
});
