import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers.js';

/** The real promtool (Debian's prometheus package) checks the Compose deployment's config and its rule files. */

const run = promisify(execFile);

describe('deploy/prometheus/prometheus.yml', () => {
  it('passes promtool check config, rule files included', async () => {
    const { stdout, stderr } = await run('promtool', ['check', 'config', join(ROOT, 'deploy/prometheus/prometheus.yml')]);
    const out = `${stdout}${stderr}`;
    expect(out).toMatch(/SUCCESS: .*prometheus\.yml is valid prometheus config file syntax/);
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });
});
