import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { parse } from 'yaml';
import type { Ajv } from 'ajv';
import { createAjv } from '../../../src/common/ajv.js';
import { ROOT } from '../../helpers.js';

/**
 * What the deploy tests read: the Compose file (YAML merge keys resolved, as Compose
 * does), its .env.example, the Compose JSON schema, and a minimal Dockerfile reader.
 * No Docker engine runs here, so these are the checks `docker compose config` and
 * `docker build` would make first, done from the files themselves.
 */

export const DEPLOY_DIR = join(ROOT, 'deploy');
export const COMPOSE_FILE = join(DEPLOY_DIR, 'docker-compose.yml');
export const ENV_EXAMPLE = join(DEPLOY_DIR, '.env.example');
export const COMPOSE_SCHEMA = join(ROOT, 'test/fixtures/specs/compose-spec.json');

export type Compose = {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
};
export type Service = {
  image?: string;
  build?: { context: string; dockerfile?: string } | string;
  command?: string[] | string;
  entrypoint?: string[] | string;
  environment?: Record<string, string> | string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  volumes?: (string | { type: string; source?: string; target: string })[];
  ports?: string[];
  restart?: string;
};

export function composeText(): string {
  return readFileSync(COMPOSE_FILE, 'utf8');
}

export function parseCompose(text: string): Compose {
  return parse(text, { merge: true }) as Compose;
}

export function envExample(): Record<string, string> {
  return parseEnv(readFileSync(ENV_EXAMPLE, 'utf8')) as Record<string, string>;
}

/** Compose-spec validator; the schema names draft-07 by its https URI, which Ajv registers under http. */
export function composeValidator(): ReturnType<Ajv['compile']> {
  const ajv = createAjv({ strict: false, allErrors: true });
  const meta = JSON.parse(readFileSync(join(ROOT, 'node_modules/ajv/dist/refs/json-schema-draft-07.json'), 'utf8')) as Record<string, unknown>;
  const schema = JSON.parse(readFileSync(COMPOSE_SCHEMA, 'utf8')) as { $schema: string };
  ajv.addMetaSchema({ ...meta, $id: schema.$schema });
  return ajv.compile(schema);
}

const VAR = /\$(\$)|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export interface VarUse {
  name: string;
  /** '-', ':-' default; '?', ':?' required; '+', ':+' alternative; '' plain. */
  op: string;
  arg: string;
}

/** Every variable the Compose file interpolates ($$ is an escaped dollar, not a variable). */
export function interpolatedVars(text: string): VarUse[] {
  const out: VarUse[] = [];
  for (const m of text.matchAll(VAR)) {
    if (m[1]) continue;
    out.push({ name: (m[2] ?? m[5])!, op: m[3] ?? '', arg: m[4] ?? '' });
  }
  return out;
}

/** Compose's interpolation, for validating the file as Compose will see it. */
export function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(VAR, (_all, dollar: string | undefined, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
    if (dollar) return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const unsetOrEmpty = value === undefined || value === '';
    switch (op) {
      case ':-':
        return unsetOrEmpty ? arg! : value!;
      case '-':
        return value === undefined ? arg! : value;
      case ':?':
      case '?':
        if (op === ':?' ? unsetOrEmpty : value === undefined) throw new Error(`required variable ${name} is missing: ${arg}`);
        return value!;
      case ':+':
        return unsetOrEmpty ? '' : arg!;
      case '+':
        return value === undefined ? '' : arg!;
      default:
        return value ?? '';
    }
  });
}

/** Host side of a short-syntax volume: a named volume, or a bind path relative to deploy/. */
export function volumeSource(spec: Service['volumes'] extends (infer V)[] | undefined ? V : never): { kind: 'named' | 'bind'; source: string; target: string } | null {
  if (typeof spec !== 'string') {
    if (!spec.source) return null;
    return { kind: spec.type === 'bind' ? 'bind' : 'named', source: spec.source, target: spec.target };
  }
  const [source, target] = spec.split(':');
  if (target === undefined) return null; // anonymous volume
  const bind = source!.startsWith('.') || source!.startsWith('/') || source!.startsWith('~');
  return { kind: bind ? 'bind' : 'named', source: source!, target };
}

export function resolveFromDeploy(p: string): string {
  return resolve(DEPLOY_DIR, p);
}

export function dependsOn(service: Service): Record<string, string> {
  const d = service.depends_on;
  if (!d) return {};
  if (Array.isArray(d)) return Object.fromEntries(d.map((n) => [n, 'service_started']));
  return Object.fromEntries(Object.entries(d).map(([n, v]) => [n, v.condition]));
}

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}
export interface DockerStage {
  name: string | undefined;
  base: string;
  instructions: DockerInstruction[];
}

/** Dockerfile → stages of instructions (continuations joined, comments and parser directives dropped). */
export function parseDockerfile(text: string): { args: DockerInstruction[]; stages: DockerStage[] } {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    // Docker drops comment lines, also inside a continued instruction.
    if (line.startsWith('#') || (!pending && line === '')) return;
    if (!pending) start = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = `${pending}${line}`;
    pending = '';
    const m = /^(\S+)\s*(.*)$/.exec(full)!;
    instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: start });
  });
  const args: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const m = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(ins.args)!;
      stages.push({ base: m[1]!, name: m[2], instructions: [] });
    } else if (stages.length === 0) {
      args.push(ins);
    } else {
      stages[stages.length - 1]!.instructions.push(ins);
    }
  }
  return { args, stages };
}

/** Sources of a COPY/ADD (flags removed, JSON or shell form), and its --from stage if any. */
export function copySources(ins: DockerInstruction): { from: string | undefined; sources: string[] } {
  let rest = ins.args;
  let from: string | undefined;
  for (;;) {
    const m = /^--([a-z-]+)(?:=(\S+))?\s+/.exec(rest);
    if (!m) break;
    if (m[1] === 'from') from = m[2];
    rest = rest.slice(m[0].length);
  }
  const parts = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
  return { from, sources: parts.slice(0, -1) };
}

/** .dockerignore patterns (simple forms: names, folders, globs with * and **). */
export function dockerignored(patterns: string[], path: string): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const p = (negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    const re = new RegExp(`^${p.split('**').map((s) => s.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')).join('.*')}(/.*)?$`);
    if (re.test(path)) ignored = !negate;
  }
  return ignored;
}

export function dockerignorePatterns(): string[] {
  return readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

export function existsFromRoot(p: string): boolean {
  return existsSync(join(ROOT, p));
}

