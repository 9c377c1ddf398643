import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { createAjv } from '../../../src/common/ajv.js';
import type { CheckResult } from '../../../src/checks/result.js';
import { renderTable } from '../../../src/report/table.js';
import { renderJson } from '../../../src/report/json.js';
import { renderJunit } from '../../../src/report/junit.js';
import { renderHtml } from '../../../src/report/html.js';
import { ROOT } from '../../helpers.js';

const result = (name: CheckResult['name'], status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({
  name,
  status,
  summary: `${name} is ${status} <&>`,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1234.5,
  measurements: { 'ping_ms_p95[primary]': { value: 2.5, metric: 'ping_ms_p95', unit: 'ms', labels: { endpoint: 'primary' } } },
  thresholds: [{ metric: 'ping_ms_p95[primary]', op: '<=', value: 100 }],
  findings: status === 'pass' ? [] : [{ status, message: `${name} finding "quoted" & <tagged>` }],
  evidence: { latencies_ms: { primary: { ping: [1, 2, 2.5] } } },
  ...extra,
});
const ESC = String.fromCharCode(27);
const results = [result('availability', 'pass'), result('schema', 'fail'), result('quality', 'warn'), result('replication', 'unsupported')];

describe('terminal table', () => {
  it('has no escape codes when colour is off, and colours statuses when on', () => {
    const plain = renderTable(results, { color: false });
    expect(plain).not.toContain(ESC);
    expect(plain).toMatch(/availability .*PASS/);
    expect(plain).toMatch(/schema .*FAIL/);
    expect(plain).toMatch(/overall: FAIL/);
    expect(renderTable(results, { color: true })).toContain(`${ESC}[31mFAIL`);
  });

  it('respects NO_COLOR when the caller does not decide', () => {
    const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
    process.env.NO_COLOR = '1';
    process.env.FORCE_COLOR = '1';
    try {
      expect(renderTable(results)).not.toContain(ESC);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
});

describe('JSON report', () => {
  const validate = createAjv().compile(JSON.parse(readFileSync(join(ROOT, 'src/report/report.schema.json'), 'utf8')) as object);

  it('matches its documented schema and counts statuses', () => {
    const doc = JSON.parse(renderJson(results, { pipeline: 'p', generatedAt: '2026-01-01T00:00:00.000Z' })) as Record<string, unknown>;
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc).toMatchObject({ status: 'fail', counts: { pass: 1, fail: 1, warn: 1, unsupported: 1 }, pipeline: 'p' });
  });

  it('is rejected by the schema when a result is malformed (the schema is not vacuous)', () => {
    const doc = JSON.parse(renderJson(results)) as { results: Record<string, unknown>[] };
    doc.results[0]!.status = 'green';
    expect(validate(doc)).toBe(false);
  });

  it('reads unsupported-only as unsupported, and unsupported beside a pass as pass', () => {
    expect(JSON.parse(renderJson([result('replication', 'unsupported')])).status).toBe('unsupported');
    expect(JSON.parse(renderJson([result('availability', 'pass'), result('replication', 'unsupported')])).status).toBe('pass');
  });
});

describe('JUnit XML', () => {
  it('parses, with one testcase per check, failure for fail and skipped for unsupported', () => {
    const xml = renderJunit(results);
    const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' });
    const doc = parser.parse(xml) as { testsuites: { testsuite: { tests: string; failures: string; skipped: string; testcase: Record<string, unknown>[] } } };
    const suite = doc.testsuites.testsuite;
    expect(suite).toMatchObject({ tests: '4', failures: '1', skipped: '1' });
    const byName = Object.fromEntries(suite.testcase.map((t) => [t.name, t]));
    expect(Object.keys(byName)).toEqual(['availability', 'schema', 'quality', 'replication']);
    expect(byName.schema!.failure).toMatchObject({ message: 'schema is fail <&>' });
    expect(String((byName.schema!.failure as Record<string, unknown>)['#text'])).toContain('schema finding "quoted" & <tagged>');
    expect(byName.replication!.skipped).toBeDefined();
    expect(byName.availability!.failure).toBeUndefined();
    expect(byName.quality!.failure).toBeUndefined();
    expect(xml).toContain('&lt;tagged&gt;');
  });
});

describe('HTML report', () => {
  it('is self-contained and escapes what it prints', async () => {
    const html = await renderHtml(results, { pipeline: 'weather <demo>' });
    expect(html).not.toMatch(/<script|https?:\/\/(?!proofline)/);
    expect(html).toContain('weather &lt;demo&gt;');
    expect(html).not.toContain('<tagged>');
    expect(html).toMatch(/data-chart="ping-primary"/);
  });
});
