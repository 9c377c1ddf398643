import { describe, expect, it } from 'vitest';
import { ResultBuilder } from '../../../src/checks/builder.js';

describe('check result builder', () => {
  it('keys labelled measurements as metric[label] and keeps the series name', () => {
    const b = new ResultBuilder('availability');
    const key = b.measure('ping_ms_p95', 2.34567, { unit: 'ms', labels: { endpoint: 'primary', host: 'h:1' } });
    expect(key).toBe('ping_ms_p95[primary]');
    expect(b.measurements[key]).toEqual({ value: 2.34567, metric: 'ping_ms_p95', unit: 'ms', labels: { endpoint: 'primary', host: 'h:1' } });
  });

  it('keeps a small but real rate: 1 invalid in 2,251 fails a zero-tolerance threshold', () => {
    const b = new ResultBuilder('schema');
    const key = b.measure('invalid_rate', 1 / 2251);
    expect(b.measurements[key]?.value).toBeGreaterThan(0);
    expect(b.judge(key, '<=', 0, 'invalid rate')).toBe(false);
    expect(b.status()).toBe('fail');
  });

  it('fails a threshold on a missing value: not measured is never a pass', () => {
    const b = new ResultBuilder('availability');
    const key = b.measure('ping_ms_p95', null, { unit: 'ms' });
    expect(b.judge(key, '<=', 100, 'ping p95')).toBe(false);
    expect(b.findings[0]).toEqual({ status: 'fail', message: 'ping p95: no value, expected <= 100 ms' });
    expect(b.status()).toBe('fail');
  });

  it('warns for a warn-severity threshold and passes when met', () => {
    const b = new ResultBuilder('quality');
    const k = b.measure('null_rate', 0.5, { labels: { rule: 'r' } });
    expect(b.judge(k, '<=', 0.6, 'r')).toBe(true);
    expect(b.status()).toBe('pass');
    b.judge(k, '<=', 0.1, 'r', 'warn');
    expect(b.status()).toBe('warn');
    expect(b.thresholds).toEqual([
      { metric: 'null_rate[r]', op: '<=', value: 0.6 },
      { metric: 'null_rate[r]', op: '<=', value: 0.1, severity: 'warn' },
    ]);
  });

  it('is unsupported only when nothing was measured; an unsupported side finding does not hide a pass', () => {
    const none = new ResultBuilder('replication');
    none.finding('unsupported', 'not supported by this server');
    expect(none.status()).toBe('unsupported');
    const some = new ResultBuilder('schema');
    some.measure('invalid_rate', 0);
    some.finding('unsupported', 'server-side count: not supported by this server');
    expect(some.status()).toBe('pass');
    expect(some.build(() => 'ok')).toMatchObject({ name: 'schema', status: 'pass', summary: 'ok' });
  });
});
