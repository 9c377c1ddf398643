import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { copySources, dockerignored, dockerignorePatterns, existsFromRoot, parseDockerfile } from './compose-files.js';
import { ROOT } from '../../helpers.js';

/** The Dockerfile, read the way `docker build` would, without a Docker engine. */

const { args, stages } = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const final = stages[stages.length - 1]!;
const ins = (keyword: string, stage = final) => stage.instructions.filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  it('is multi-stage on a Node 20 slim base', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    const nodeArg = args.find((a) => a.keyword === 'ARG' && a.args.startsWith('NODE_IMAGE='));
    expect(nodeArg?.args).toMatch(/^NODE_IMAGE=node:20-[a-z]+-slim$/);
    for (const s of stages) expect(s.base).toBe('${NODE_IMAGE}');
  });

  it('installs production dependencies only in the runtime stage', () => {
    const runs = ins('RUN').map((r) => r.args);
    expect(runs.some((r) => /npm ci\b.*--omit=dev/.test(r))).toBe(true);
    expect(runs.some((r) => /npm (run build|install)\b/.test(r))).toBe(false);
    // The compiled code comes from the build stage, not from the context.
    expect(ins('COPY').some((c) => copySources(c).from === 'build' && copySources(c).sources.includes('/app/dist'))).toBe(true);
  });

  it('ships the non-TypeScript files of src/ (dashboard assets, schemas) next to the compiled code', () => {
    const build = stages.find((s) => s.name === 'build')!;
    expect(ins('RUN', build).some((r) => r.args.includes('npm run build'))).toBe(true);
    expect(ins('COPY', build).some((c) => copySources(c).sources.includes('scripts/copy-assets.mjs'))).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.build).toContain('node scripts/copy-assets.mjs');
    // `npm test` builds before running the tests: every asset of src/ must be in dist/.
    const assets = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? assets(join(dir, e.name)) : e.name.endsWith('.ts') ? [] : [join(dir, e.name)],
      );
    const shipped = assets('src');
    expect(shipped).toContain(join('src', 'monitor', 'assets', 'index.html'));
    for (const file of shipped) expect(existsSync(join(ROOT, 'dist', file.slice('src/'.length)))).toBe(true);
  });

  it('runs as a non-root user', () => {
    const users = ins('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1]!.args;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
  });

  it('has a HEALTHCHECK on /healthz that needs only node', () => {
    const hc = ins('HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0]!.args).toMatch(/CMD \["node", "-e", .*\/healthz/);
  });

  it('starts the compiled CLI, which the build config emits at that path', () => {
    const entry = JSON.parse(ins('ENTRYPOINT')[0]!.args) as string[];
    expect(entry).toEqual(['node', '/app/dist/cli/main.js']);
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(existsFromRoot('src/cli/main.ts')).toBe(true);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin.proofline).toBe('dist/cli/main.js');
  });

  it('copies only sources that exist and that .dockerignore lets through', () => {
    const patterns = dockerignorePatterns();
    let checked = 0;
    for (const stage of stages) {
      for (const c of ins('COPY', stage)) {
        const { from, sources } = copySources(c);
        if (from) {
          expect(stages.map((s) => s.name)).toContain(from);
          continue;
        }
        for (const src of sources) {
          checked += 1;
          expect(existsFromRoot(src), `COPY ${src} (line ${c.line}) does not exist`).toBe(true);
          expect(dockerignored(patterns, src.replace(/^\.\//, '')), `COPY ${src} is excluded by .dockerignore`).toBe(false);
        }
      }
    }
    expect(checked).toBeGreaterThan(4);
  });

  it('lets through what every Dockerfile of the repository copies from the shared build context', () => {
    const patterns = dockerignorePatterns();
    const files = ['Dockerfile', 'deploy/connectors/Dockerfile'].filter(existsFromRoot);
    for (const file of files) {
      for (const stage of parseDockerfile(readFileSync(join(ROOT, file), 'utf8')).stages) {
        for (const c of ins('COPY', stage)) {
          const { from, sources } = copySources(c);
          if (from) continue;
          for (const src of sources) {
            expect(existsFromRoot(src), `${file}: COPY ${src} does not exist`).toBe(true);
            expect(dockerignored(patterns, src.replace(/^\.\//, '')), `${file}: COPY ${src} is excluded by .dockerignore`).toBe(false);
          }
        }
      }
    }
  });

  it('keeps secrets, dependencies and local state out of the build context', () => {
    const patterns = dockerignorePatterns();
    for (const p of ['.env', 'deploy/.env', 'node_modules', '.git', '.stack', '.venv', 'test-output']) expect(dockerignored(patterns, p), p).toBe(true);
    expect(dockerignored(patterns, 'src/cli/main.ts')).toBe(false);
  });

  it('matches the port the Compose monitor service publishes', () => {
    const compose = parse(readFileSync(join(ROOT, 'deploy/docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { command?: string[] }>;
    };
    const cmd = compose.services['proofline-monitor']!.command!;
    const port = cmd[cmd.indexOf('--port') + 1];
    expect(ins('EXPOSE')[0]!.args).toBe(port);
    expect(ins('ENV').map((e) => e.args).join(' ')).toContain(`PROOFLINE_HEALTH_PORT=${port}`);
  });
});
