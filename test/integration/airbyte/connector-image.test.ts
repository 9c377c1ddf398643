import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { ROOT } from '../../helpers.js';

/**
 * The connector images (no Docker engine here): the Dockerfile declares what Airbyte
 * needs, and the entrypoint script, run for real, maps each image onto the CLI.
 */

const DOCKERFILE = readFileSync(join(ROOT, 'deploy/connectors/Dockerfile'), 'utf8');
const ENTRYPOINT = join(ROOT, 'deploy/connectors/entrypoint.sh');

function entrypoint(connector: string, args: string[]) {
  return spawnSync('sh', [ENTRYPOINT, ...args], {
    env: { ...process.env, PROOFLINE_CONNECTOR: connector, PROOFLINE_CLI: join(ROOT, 'src/cli/main.ts'), NODE_OPTIONS: '--import tsx', PROOFLINE_LOG_PRETTY: '0' },
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('connector images', () => {
  it('declares AIRBYTE_ENTRYPOINT, the io.airbyte labels, a non-root user and the entrypoint', () => {
    expect(DOCKERFILE).toMatch(/AIRBYTE_ENTRYPOINT="\/usr\/local\/bin\/proofline-connector"/);
    expect(DOCKERFILE).toMatch(/io\.airbyte\.name="proofline\/\$\{CONNECTOR\}"/);
    expect(DOCKERFILE).toMatch(/io\.airbyte\.version="\$\{VERSION\}"/);
    expect(DOCKERFILE).toMatch(/^USER node$/m);
    expect(DOCKERFILE).toMatch(/^ENTRYPOINT \["\/usr\/local\/bin\/proofline-connector"\]$/m);
    // Every file the build copies exists in the repository.
    for (const m of DOCKERFILE.matchAll(/^COPY (?:--chmod=\S+ )?(?!--from)(.+) \S+$/gm)) {
      for (const src of m[1]!.split(' ')) expect(() => readFileSync(join(ROOT, src)), src).not.toThrow(/ENOENT/);
    }
  });

  it('the entrypoint runs the image connector with Airbyte arguments', () => {
    const r = entrypoint('source-infoclimat', ['spec']);
    expect(r.status, r.stderr).toBe(0);
    const msg = JSON.parse(r.stdout.trim()) as { type: string; spec: { documentationUrl: string } };
    expect(msg.type).toBe('SPEC');
    expect(msg.spec.documentationUrl).toContain('infoclimat');
  });

  it('the entrypoint refuses an unknown connector with a clear message', () => {
    const r = entrypoint('source-nope', ['spec']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("PROOFLINE_CONNECTOR must be source-infoclimat, source-wunderground, source-files or destination-mongodb (got 'source-nope')");
  });
});
