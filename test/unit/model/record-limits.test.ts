import { describe, expect, it } from 'vitest';
import { boundedJson } from '../../../src/common/bounded-json.js';
import { checkShape, checkSize, MAX_BSON_BYTES } from '../../../src/model/record-limits.js';

/** Server limits checked before writing, by walks that cannot overflow the stack. */

function nested(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('checkShape', () => {
  it('accepts 100 levels and rejects 101 as too_deep, naming where', () => {
    expect(checkShape(nested(100))).toEqual([]);
    const f = checkShape(nested(101));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ rule: 'too_deep' });
    expect(f[0]!.field.startsWith('a.a.a')).toBe(true);
  });

  it('measures a 100,000-deep array without a stack overflow', () => {
    let v: unknown = [];
    for (let i = 0; i < 100_000; i++) v = [v];
    expect(checkShape({ v })[0]).toMatchObject({ rule: 'too_deep' });
  });

  it('rejects non-finite numbers and NUL in field names as unrepresentable', () => {
    expect(checkShape({ t: -Infinity, x: [1, NaN], ['k\u0000']: 1, ok: 'a\u0000b' }).map((f) => `${f.field} ${f.rule}`).sort()).toEqual([
      'k\\u0000 unrepresentable',
      't unrepresentable',
      'x[1] unrepresentable',
    ]);
  });
});

describe('checkSize', () => {
  it('rejects a record above 16 MiB minus the lineage room, as too_large with its size', () => {
    expect(checkSize({ s: 'x'.repeat(1000) })).toBeUndefined();
    const f = checkSize({ s: 'x'.repeat(MAX_BSON_BYTES) });
    expect(f).toMatchObject({ rule: 'too_large' });
    expect(f!.value).toBeGreaterThan(MAX_BSON_BYTES);
  });
});

describe('boundedJson', () => {
  it('writes what JSON.stringify writes, for ordinary values', () => {
    const v = { a: [1, 'two', null, true, { b: 'c\u0000"' }], d: new Date(0), u: undefined, n: -0.5 };
    expect(boundedJson(v, 1_000).text).toBe(JSON.stringify(v));
  });

  it('keeps at most maxChars, with the full length and sha256', () => {
    const v = { s: 'x'.repeat(200_000) };
    const full = JSON.stringify(v);
    const b = boundedJson(v, 100);
    expect(b.text).toBe(full.slice(0, 100));
    expect(b).toMatchObject({ length: full.length, truncated: true });
    expect(b.sha256).toBe(boundedJson(v, 10_000_000).sha256);
  });

  it('serialises 100,000-deep nesting without recursion', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = [v];
    const b = boundedJson(v, 10);
    expect(b.length).toBe(200_001);
  });
});
