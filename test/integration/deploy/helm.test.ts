import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseConfig } from '../../../src/config/load.js';
import { ROOT, outputPath } from '../../helpers.js';

/**
 * The Helm chart, checked as CI can without a cluster: the real `helm` (built from the Go
 * module proxy by scripts/install-helm.sh) lints and renders it, the real
 * `kubernetes-validate` (PyPI, in .venv) validates every rendered manifest against the
 * Kubernetes schemas of a pinned version, and the rendered resources are held against
 * what the docs and the other deploy files say.
 */

const CHART = join(ROOT, 'deploy/helm/proofline');
const HELM = join(process.env.PROOFLINE_TOOLS_BIN ?? join(ROOT, '.tools/bin'), 'helm');
const VALIDATE = join(ROOT, '.venv/bin/kubernetes-validate');
const KUBERNETES_VERSION = '1.31.0';
const PIPELINE = join(ROOT, 'examples/weather/pipeline.yaml');

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown> & { template?: PodTemplate; jobTemplate?: { spec: { template: PodTemplate } }; groups?: unknown };
  data?: Record<string, string>;
}
interface Container {
  name: string;
  args: string[];
  env: { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
  securityContext: Record<string, unknown>;
  resources: { limits?: Record<string, string> };
  livenessProbe?: { httpGet: { path: string } };
  readinessProbe?: { httpGet: { path: string } };
}
interface PodTemplate {
  spec: { containers: Container[]; securityContext: Record<string, unknown> };
}

function helm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(HELM, args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const baseArgs = ['--values', join(CHART, 'ci/weather-values.yaml'), '--set-file', `pipeline.config=${PIPELINE}`];

let rendered = '';
let manifests: Manifest[] = [];
const byKind = (kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
const podOf = (m: Manifest): PodTemplate => (m.kind === 'CronJob' ? m.spec.jobTemplate!.spec.template : m.spec.template!);

beforeAll(() => {
  expect(existsSync(HELM), `${HELM}: run scripts/install-helm.sh`).toBe(true);
  const r = helm(['template', 'demo', CHART, '--namespace', 'data', ...baseArgs]);
  expect(r.status, r.stderr).toBe(0);
  rendered = r.stdout;
  writeFileSync(outputPath('helm-template.yaml'), rendered);
  manifests = parseAllDocuments(rendered)
    .map((d) => d.toJSON() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
});

describe('Helm chart', () => {
  it('passes helm lint --strict', () => {
    const r = helm(['lint', '--strict', CHART, ...baseArgs]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it('renders the monitor, a CronJob per sync, the pipeline ConfigMap and the optional resources', () => {
    expect(manifests.map((m) => m.kind).sort()).toEqual(['ConfigMap', 'CronJob', 'CronJob', 'Deployment', 'NetworkPolicy', 'PrometheusRule', 'Service', 'ServiceAccount', 'ServiceMonitor']);
  });

  it(`renders manifests that validate against the Kubernetes ${KUBERNETES_VERSION} schemas (strict)`, () => {
    const file = outputPath('helm-template.yaml');
    const out = execFileSync(VALIDATE, ['--strict', '-k', KUBERNETES_VERSION, file], { encoding: 'utf8' });
    const builtIn = manifests.filter((m) => !['ServiceMonitor', 'PrometheusRule'].includes(m.kind));
    for (const m of builtIn) expect(out).toContain(`passed for resource ${m.kind.toLowerCase()}/${m.metadata.name}`);
    expect(out).not.toMatch(/\bERROR\b|failed/);
  });

  it('runs each CronJob with the same `proofline sync` command line as docs/scale.md', () => {
    const docs = readFileSync(join(ROOT, 'docs/scale.md'), 'utf8');
    const documented = docs
      .split('\n')
      .filter((l) => l.startsWith('proofline sync --config /app/examples/weather/pipeline.k8s.yaml'))
      .map((l) => l.trim());
    expect(documented.length).toBe(2);
    const lines = byKind('CronJob').map((m) => ['proofline', ...podOf(m).spec.containers[0]!.args].join(' '));
    expect(lines.sort()).toEqual(documented.sort());
    for (const m of byKind('CronJob')) expect(m.spec.concurrencyPolicy).toBe('Forbid');
  });

  it('mounts the pipeline file from the ConfigMap exactly as given, and it is a valid pipeline config', () => {
    const [cm] = byKind('ConfigMap');
    const text = cm!.data!['pipeline.yaml']!;
    expect(text.trimEnd()).toBe(readFileSync(PIPELINE, 'utf8').trimEnd());
    expect(parseConfig(parse(text), PIPELINE, {}).name).toBe('weather');
  });

  it('takes URIs and tokens only from the Secret, and refuses a password in the pipeline values', () => {
    for (const m of [...byKind('Deployment'), ...byKind('CronJob')]) {
      const env = podOf(m).spec.containers[0]!.env;
      const uri = env.find((e) => e.name === 'MONGODB_URI');
      expect(uri?.valueFrom?.secretKeyRef).toEqual({ name: 'proofline-credentials', key: 'MONGODB_URI', optional: true });
      expect(env.filter((e) => e.value !== undefined).map((e) => e.name)).toEqual(['PROOFLINE_LOG_PRETTY']);
    }
    expect(byKind('Secret')).toEqual([]);
    const leaky = join(outputPath('helm-leaky-pipeline.yaml'));
    writeFileSync(leaky, readFileSync(PIPELINE, 'utf8').replace('mongodb://127.0.0.1:27017/', 'mongodb://proofline:S3cretPassw0rd@db:27017/'));
    const r = helm(['template', 'demo', CHART, '--values', join(CHART, 'ci/weather-values.yaml'), '--set-file', `pipeline.config=${leaky}`]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/password: put it in the credentials Secret/);
    expect(r.stdout + r.stderr).not.toContain('S3cretPassw0rd');
  });

  it('runs every container as non-root on a read-only root filesystem, with limits', () => {
    for (const m of [...byKind('Deployment'), ...byKind('CronJob')]) {
      const pod = podOf(m).spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(Object.keys(c.resources.limits ?? {}).sort()).toEqual(['cpu', 'memory']);
      }
    }
  });

  it('probes the monitor on /healthz and binds it beyond loopback on the service port', () => {
    const [d] = byKind('Deployment');
    const c = podOf(d!).spec.containers[0]!;
    expect(c.livenessProbe?.httpGet.path).toBe('/healthz');
    expect(c.readinessProbe?.httpGet.path).toBe('/healthz');
    expect(c.args).toEqual(['monitor', '--config', '/app/examples/weather/pipeline.k8s.yaml', '--host', '0.0.0.0', '--port', '9464']);
  });

  it('ships the alert rules of deploy/prometheus/alerts.yml unchanged as a PrometheusRule', () => {
    const alerts = parse(readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8')) as { groups: unknown };
    const [rule] = byKind('PrometheusRule');
    expect(rule!.spec.groups).toEqual(alerts.groups);
  });
});
