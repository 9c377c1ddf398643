import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers.js';

/**
 * The one-shot keyfile script of the Compose deployment, run for real with /bin/sh:
 * mongod accepts a keyfile of 6 to 1024 base64 characters, readable by its owner only.
 */

const run = promisify(execFile);
const script = join(ROOT, 'deploy/mongo/generate-keyfile.sh');

describe('deploy/mongo scripts', () => {
  it('creates a keyfile mongod accepts, owned by uid 999 with mode 400, and keeps it on re-runs', async () => {
    const keyfile = join(mkdtempSync(join(tmpdir(), 'pl-keyfile-')), 'keyfile');
    const first = await run('/bin/sh', [script], { env: { ...process.env, KEYFILE: keyfile } });
    expect(first.stdout).toContain('keyfile created');
    const key = readFileSync(keyfile, 'utf8');
    expect(key).toMatch(/^[A-Za-z0-9+/=]{6,1024}$/);
    expect(key.length).toBe(1008);
    const st = statSync(keyfile);
    expect(st.mode & 0o777).toBe(0o400);
    if (process.getuid?.() === 0) expect(st.uid).toBe(999);

    const second = await run('/bin/sh', [script], { env: { ...process.env, KEYFILE: keyfile } });
    expect(second.stdout).toContain('keyfile already present');
    expect(readFileSync(keyfile, 'utf8')).toBe(key);
  });

  it('init-replica-set.js is valid JavaScript (mongosh runs it; its globals Mongo, sleep, print are mongosh\'s)', async () => {
    const r = await run(process.execPath, ['--check', join(ROOT, 'deploy/mongo/init-replica-set.js')]);
    expect(r.stderr).toBe('');
  });
});
