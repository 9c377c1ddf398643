import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  composeText,
  composeValidator,
  dependsOn,
  envExample,
  interpolate,
  interpolatedVars,
  parseCompose,
  resolveFromDeploy,
  volumeSource,
  type Service,
} from './compose-files.js';
import { parse } from 'yaml';
import { ROOT } from '../../helpers.js';

/**
 * deploy/docker-compose.yml, checked without a Docker engine: against the Compose
 * specification's JSON schema (as written and after interpolation with .env.example),
 * then every cross-reference Compose would only discover at `up` time.
 */

const text = composeText();
const env = envExample();
const compose = parseCompose(text);
const resolved = parseCompose(interpolate(text, env));
const services = Object.entries(compose.services);

function hasHealthcheck(s: Service): boolean {
  if (s.healthcheck?.disable) return false;
  if (s.healthcheck?.test) return true;
  // A service built from our Dockerfile inherits its HEALTHCHECK.
  if (s.build) return /^HEALTHCHECK\s+(?!NONE)/m.test(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  return false;
}

describe('docker-compose.yml against the Compose specification', () => {
  const validate = composeValidator();

  it('validates as written', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('validates after interpolation with .env.example', () => {
    const ok = validate(resolved);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects a broken variant (the validator is not vacuous)', () => {
    const broken = structuredClone(compose);
    (broken.services['mongo1'] as Record<string, unknown>).depends_on = { 'mongo-keyfile': { condition: 'service_finished' } };
    (broken.services['grafana'] as Record<string, unknown>).helthcheck = {};
    expect(validate(broken)).toBe(false);
    const paths = (validate.errors ?? []).map((e) => e.instancePath);
    expect(paths.some((p) => p.startsWith('/services/mongo1/depends_on'))).toBe(true);
    expect(paths.some((p) => p === '/services/grafana')).toBe(true);
  });
});

describe('docker-compose.yml cross-references', () => {
  it('has MongoDB 7 as a 3-member replica set with a keyfile and auth', () => {
    const members = services.filter(([, s]) => s.image === 'mongo:7' && JSON.stringify(s.command ?? '').includes('--replSet'));
    expect(members.map(([n]) => n).sort()).toEqual(['mongo1', 'mongo2', 'mongo3']);
    for (const [, s] of members) expect(s.command).toContain('--keyFile');
    const init = readFileSync(resolveFromDeploy('mongo/init-replica-set.js'), 'utf8');
    // The members the init script initiates are exactly the Compose services.
    const listed = /const MEMBERS = \[([^\]]+)\]/.exec(init)![1]!.match(/'([^']+)'/g)!.map((s) => s.slice(1, -1).split(':')[0]!);
    expect(listed).toEqual(members.map(([n]) => n));
    expect(resolved.services['mongo1']!.environment).toMatchObject({ MONGO_INITDB_ROOT_USERNAME: env.MONGO_INITDB_ROOT_USERNAME, MONGO_INITDB_ROOT_PASSWORD: env.MONGO_INITDB_ROOT_PASSWORD });
  });

  it('passes the init service every variable its script requires', () => {
    const init = readFileSync(resolveFromDeploy('mongo/init-replica-set.js'), 'utf8');
    const required = [...init.matchAll(/need\('([A-Z_]+)'\)/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(3);
    const given = Object.keys(compose.services['mongo-init']!.environment as Record<string, string>);
    for (const name of required) expect(given, name).toContain(name);
  });

  it('depends_on names existing services, with consistent conditions', () => {
    let checked = 0;
    for (const [name, s] of services) {
      for (const [target, condition] of Object.entries(dependsOn(s))) {
        checked += 1;
        expect(compose.services[target], `${name} depends on unknown service ${target}`).toBeDefined();
        const t = compose.services[target]!;
        if (condition === 'service_healthy') expect(hasHealthcheck(t), `${name} waits for ${target} to be healthy but it has no healthcheck`).toBe(true);
        if (condition === 'service_completed_successfully') expect(t.restart, `${target} must be a one-shot (restart: "no")`).toBe('no');
      }
    }
    expect(checked).toBeGreaterThan(8);
  });

  it('declares every named volume it uses, and uses every one it declares', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    const used = new Set<string>();
    for (const [, s] of services) {
      for (const v of s.volumes ?? []) {
        const src = volumeSource(v);
        if (src?.kind === 'named') used.add(src.source);
      }
    }
    expect([...used].sort()).toEqual([...declared].sort());
    expect(used.size).toBeGreaterThanOrEqual(7);
  });

  it('bind-mounts only files and folders that exist in the repository', () => {
    const binds: string[] = [];
    for (const [name, s] of services) {
      for (const v of s.volumes ?? []) {
        const src = volumeSource(v);
        if (src?.kind !== 'bind') continue;
        binds.push(src.source);
        expect(existsSync(resolveFromDeploy(src.source)), `${name}: ${src.source} does not exist`).toBe(true);
      }
    }
    expect(binds).toEqual(expect.arrayContaining(['./prometheus/alerts.yml', './grafana/dashboards', '../examples/weather']));
  });

  it('gives each proofline service a --config that a bind mount provides', () => {
    const withConfig = services.filter(([, s]) => Array.isArray(s.command) && s.command.includes('--config'));
    expect(withConfig.map(([n]) => n).sort()).toEqual(['proofline-monitor', 'proofline-sync']);
    for (const [name, s] of withConfig) {
      const cmd = s.command as string[];
      const target = cmd[cmd.indexOf('--config') + 1]!;
      const mount = (s.volumes ?? []).map((v) => volumeSource(v)!).find((m) => m.kind === 'bind' && target.startsWith(`${m.target}/`));
      expect(mount, `${name}: no bind mount provides ${target}`).toBeDefined();
      const hostFile = resolveFromDeploy(join(mount!.source, target.slice(mount!.target.length)));
      expect(existsSync(hostFile), `${name}: ${hostFile} does not exist`).toBe(true);
    }
  });

  it('builds from a Dockerfile that exists', () => {
    const built = services.filter(([, s]) => s.build);
    expect(built.length).toBeGreaterThan(0);
    for (const [, s] of built) {
      const b = typeof s.build === 'string' ? { context: s.build } : s.build!;
      const context = resolveFromDeploy(b.context);
      expect(statSync(context).isDirectory()).toBe(true);
      expect(existsSync(join(context, b.dockerfile ?? 'Dockerfile'))).toBe(true);
    }
  });

  it('gives every interpolated variable without a default a value in .env.example', () => {
    const vars = interpolatedVars(text);
    expect(vars.length).toBeGreaterThan(10);
    for (const v of vars) {
      if (v.op === ':-' || v.op === '-') continue;
      expect(env[v.name], `${v.name} has no value in deploy/.env.example`).toBeTruthy();
    }
    // And .env.example documents nothing the file does not use.
    const names = new Set(vars.map((v) => v.name));
    for (const key of Object.keys(env)) expect(names.has(key), `${key} in .env.example is unused`).toBe(true);
  });

  it('keeps secrets out of the file itself and out of host-wide ports', () => {
    // A password key's value is always a ${VAR} from .env, never a literal.
    expect(text).not.toMatch(/^\s+\w*PASSWORD:\s+(?!\$\{)\S/m);
    expect(text).toMatch(/^\s+\w*PASSWORD:\s+\$\{/m);
    for (const [name, s] of services) for (const p of s.ports ?? []) expect(p, `${name} publishes ${p} beyond localhost`).toMatch(/^"?127\.0\.0\.1:/);
    expect(readFileSync(join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });

  it('scrapes the monitor service at the port it listens on, and loads the alert rules', () => {
    const prom = parse(readFileSync(resolveFromDeploy('prometheus/prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const job = prom.scrape_configs.find((j) => j.job_name === 'proofline')!;
    const [host, port] = job.static_configs[0]!.targets[0]!.split(':');
    const monitor = compose.services[host!]!;
    expect(monitor.command).toEqual(expect.arrayContaining(['monitor', '--port', port]));
    // Alert rules that select a job name one this config scrapes (ProoflineMonitorDown: up{job=...}).
    const jobs = new Set(prom.scrape_configs.map((j) => j.job_name));
    for (const rule of prom.rule_files) {
      const selected = [...readFileSync(resolveFromDeploy(join('prometheus', rule)), 'utf8').matchAll(/job="([^"]+)"/g)].map((m) => m[1]!);
      for (const j of selected) expect(jobs.has(j), `${rule} selects job ${j}, which is not scraped`).toBe(true);
    }
    for (const rule of prom.rule_files) {
      expect(existsSync(resolveFromDeploy(join('prometheus', rule)))).toBe(true);
      const mounted = (compose.services['prometheus']!.volumes ?? []).map((v) => volumeSource(v)!);
      expect(mounted.some((m) => m.source === `./prometheus/${rule}` && m.target === `/etc/prometheus/${rule}`)).toBe(true);
    }
  });

  it('provisions Grafana with the Prometheus data source and the dashboard folder it mounts', () => {
    const grafana = compose.services['grafana']!;
    const mounts = (grafana.volumes ?? []).map((v) => volumeSource(v)!);
    const provider = parse(readFileSync(resolveFromDeploy('grafana/provisioning/dashboards/proofline.yml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    const dashPath = provider.providers[0]!.options.path;
    const dashMount = mounts.find((m) => m.target === dashPath);
    expect(dashMount, `nothing is mounted at ${dashPath}`).toBeDefined();
    const dashboards = readdirSync(resolveFromDeploy(dashMount!.source)).filter((f) => f.endsWith('.json'));
    expect(dashboards.length).toBeGreaterThan(0);
    const ds = parse(readFileSync(resolveFromDeploy('grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; url: string }[];
    };
    expect(ds.datasources[0]!.url).toBe('http://prometheus:9090');
    // Every data source uid a dashboard names is the provisioned one (or a template variable).
    for (const file of dashboards) {
      const uids = [...readFileSync(join(resolveFromDeploy(dashMount!.source), file), 'utf8').matchAll(/"datasource"\s*:\s*\{[^}]*"uid"\s*:\s*"([^"]+)"/g)].map((m) => m[1]!);
      for (const uid of uids) if (!uid.startsWith('$')) expect(uid, `${file} names data source ${uid}`).toBe(ds.datasources[0]!.uid);
    }
  });
});
