import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';
import { ROOT } from '../../helpers.js';

/** The deployment and operations docs stay true to the code: every error code documented, every relative link resolving. */

const DOCS = ['docs/errors.md', 'docs/architecture.md', 'docs/runbook.md', 'docs/documentdb.md', 'deploy/README.md'];
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

describe('docs', () => {
  it('errors.md documents every error code of src/errors.ts, and no other', () => {
    const text = read('docs/errors.md');
    const documented = [...text.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it('architecture.md has the Mermaid flowchart of the whole chain', () => {
    const text = read('docs/architecture.md');
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
    expect(mermaid).toMatch(/^flowchart LR/);
    for (const stage of ['collection', 'transformation', 'storage', 'tests', 'monitoring', 'report']) expect(mermaid).toContain(stage);
  });

  it('architecture.md names only source files that exist', () => {
    const text = read('docs/architecture.md');
    const files = [...text.matchAll(/`(src\/[a-z/-]+\.ts)`/g)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(existsSync(join(ROOT, f)), f).toBe(true);
  });

  it('every relative link in the docs resolves', () => {
    for (const doc of DOCS) {
      for (const m of read(doc).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const abs = resolve(dirname(join(ROOT, doc)), target);
        expect(existsSync(abs), `${doc} links to ${target}`).toBe(true);
      }
    }
    expect(readdirSync(join(ROOT, 'docs')).length).toBeGreaterThanOrEqual(4);
  });
});
