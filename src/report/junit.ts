import { XMLBuilder } from 'fast-xml-parser';
import type { CheckResult } from '../checks/result.js';

/**
 * JUnit XML for CI systems: one testsuite, one testcase per check. `fail` → <failure>,
 * `unsupported` → <skipped> (CI shows it, the build stays green), `warn` → passes with
 * the warnings in <system-out>.
 */

function measurementsText(r: CheckResult): string {
  return Object.entries(r.measurements)
    .map(([k, m]) => `${k} = ${m.value ?? 'n/a'}${m.unit ? ` ${m.unit}` : ''}`)
    .join('\n');
}

export function renderJunit(results: CheckResult[]): string {
  const failures = results.filter((r) => r.status === 'fail').length;
  const skipped = results.filter((r) => r.status === 'unsupported').length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const testcases = results.map((r) => {
    const problems = r.findings.filter((f) => f.status !== 'pass').map((f) => `[${f.status}] ${f.message}`);
    const tc: Record<string, unknown> = { '@_classname': 'proofline.check', '@_name': r.name, '@_time': seconds(r.durationMs) };
    if (r.status === 'fail') tc.failure = { '@_message': r.summary, '@_type': 'threshold', '#text': problems.join('\n') };
    if (r.status === 'unsupported') tc.skipped = { '@_message': r.summary };
    tc['system-out'] = [`status: ${r.status}`, r.summary, ...problems, measurementsText(r)].filter(Boolean).join('\n');
    return tc;
  });
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    testsuites: {
      '@_name': 'proofline',
      '@_tests': results.length,
      '@_failures': failures,
      '@_errors': 0,
      '@_skipped': skipped,
      '@_time': seconds(results.reduce((a, r) => a + r.durationMs, 0)),
      testsuite: {
        '@_name': 'proofline.check',
        '@_tests': results.length,
        '@_failures': failures,
        '@_errors': 0,
        '@_skipped': skipped,
        '@_timestamp': results[0]?.startedAt ?? new Date().toISOString(),
        '@_time': seconds(results.reduce((a, r) => a + r.durationMs, 0)),
        testcase: testcases,
      },
    },
  };
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, suppressEmptyNode: true, processEntities: true });
  return builder.build(doc) as string;
}
