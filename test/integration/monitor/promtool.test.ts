import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers.js';

/** The alert rules shipped in deploy/ are valid, and fire (and stay quiet) where their unit tests say. */

const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';
const DIR = join(ROOT, 'deploy/prometheus');

describe('deploy/prometheus/alerts.yml', () => {
  it('passes promtool check rules', () => {
    const out = execFileSync(PROMTOOL, ['check', 'rules', join(DIR, 'alerts.yml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('passes its promtool rule unit tests', () => {
    const out = execFileSync(PROMTOOL, ['test', 'rules', 'alerts.test.yml'], { cwd: DIR, encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
  });

  it('only uses metrics the monitor exposes', async () => {
    const { MonitorMetrics } = await import('../../../src/monitor/metrics.js');
    const exposed = new Set((await new MonitorMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    const rules = (await import('node:fs')).readFileSync(join(DIR, 'alerts.yml'), 'utf8');
    const used = new Set([...rules.matchAll(/\b(proofline_[a-z_]+?)(_bucket|_sum|_count)?\b/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(exposed.has(name), name).toBe(true);
  });
});
