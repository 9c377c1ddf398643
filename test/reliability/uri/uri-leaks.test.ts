import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { startMonitor } from '../../../src/monitor/service.js';
import { stackLayout } from '../../../src/stack/layout.js';
import { ROOT, scratchDatabases, uniqueDb, writePipelineYaml } from '../../helpers.js';
import { captureLogs, get } from '../../integration/monitor/monitor-helpers.js';
import { URI_CASES } from './uri-corpus.js';

/**
 * No URI leaks its secret, whatever it looks like: each URI of the corpus is used as the
 * primary and the replica of a pipeline, through `proofline sync`, `proofline report`
 * (which runs every check) with debug logs, and the monitor; then its password is searched
 * for in their stdout and stderr, the HTML report and its JSON twin, the monitor's API
 * answers, /metrics and log lines, and every document of the pipeline's database.
 */

const scratch = scratchDatabases();
const { primary: PRIMARY_PORT, replica: REPLICA_PORT } = stackLayout().ports;

function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], { env: { ...process.env, ...env, PROOFLINE_LOG_LEVEL: 'debug', PROOFLINE_LOG_PRETTY: '0', NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve(`${out}\n(exit ${code})`));
  });
}

const found = (where: string, text: string, secrets: string[]): string[] => secrets.filter((s) => text.includes(s)).map((s) => `${where}: ${s}`);

describe('URIs carrying secrets, malformed or not', () => {
  it.each(URI_CASES.map((c) => ({ ...c, label: c.name })))('$label: the secret appears nowhere', async (c) => {
    const uri = c.uri(PRIMARY_PORT, REPLICA_PORT);
    const replica = c.reachable ? c.uri(REPLICA_PORT, REPLICA_PORT) : uri;
    const dir = mkdtempSync(join(tmpdir(), 'pl-uri-'));
    writeFileSync(join(dir, 'obs.jsonl'), '{"k":"a","v":1}\n{"k":"b","v":2}\n');
    const database = uniqueDb('uri');
    scratch.dbs.push(database);
    const raw = {
      name: 'uri_corpus',
      mongodb: { uri: 'mongodb://placeholder:1/', database, timeout_ms: 800 },
      streams: [{ name: 'obs', source: { type: 'files', path: '.', pattern: 'obs.jsonl', format: 'jsonl' }, mapping: 'identity', destination: { collection: 'obs', primary_key: ['k'] } }],
    };
    const configFile = writePipelineYaml(raw, join(dir, 'pipeline.yaml'));
    const env = { MONGODB_URI: uri, MONGODB_REPLICA_URIS: replica };
    const leaks: string[] = [];

    leaks.push(...found('sync output', await cli(['sync', '--config', configFile, '--json'], env), c.secrets));
    const out = join(dir, 'report.html');
    leaks.push(...found('report output', await cli(['report', '--config', configFile, '--out', out], env), c.secrets));
    for (const f of [out, join(dir, 'report.json')]) if (existsSync(f)) leaks.push(...found(f, readFileSync(f, 'utf8'), c.secrets));

    // The monitor, in this process: its API, /metrics and its log lines.
    const logs = captureLogs();
    try {
      let config;
      try {
        config = parseConfig({ ...raw, monitor: { port: 0 } }, configFile, env);
      } catch (e) {
        leaks.push(...found('config error', String(e), c.secrets));
      }
      if (config) {
        let monitor;
        try {
          monitor = await startMonitor(config, { port: 0, env: {} });
          for (const path of ['/api/status', '/metrics', '/api/runs', '/api/history', '/api/server-log', '/api/invalid']) leaks.push(...found(`monitor ${path}`, (await get(`${monitor.url}${path}`)).body, c.secrets));
        } catch (e) {
          leaks.push(...found('monitor start error', String(e), c.secrets));
        } finally {
          await monitor?.close();
        }
      }
    } finally {
      logs.restore();
    }
    leaks.push(...found('monitor log', logs.lines.join('\n'), c.secrets));

    // Whatever the runs and checks stored.
    const db = scratch.client.db(database);
    for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
      const docs = await db.collection(name).find({}).toArray();
      leaks.push(...found(`collection ${name}`, JSON.stringify(docs), c.secrets));
    }
    if (c.reachable) expect((await db.collection('_proofline_runs').countDocuments()) > 0, 'a reachable URI really ran the sync').toBe(true);
    expect(leaks).toEqual([]);
  });
});
