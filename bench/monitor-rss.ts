/**
 * Pm of issue 15: the monitor's memory footprint. Starts the real monitor (`proofline
 * monitor` from dist/, so run `npm run build` first) on the local stack with every check
 * every 5 s, and 50 concurrent dashboard clients: each loads the page (/, its scripts and
 * stylesheet, Chart.js), opens the live event stream, and polls /api/status and
 * /api/history every 5 s, reloading the page every minute. The monitor's RSS is sampled
 * from /proc; a preloaded probe (bench/monitor-memory-probe.mjs) logs its V8 heap and
 * external memory, so the figures say what grows. Goal: RSS(end) / RSS(1 min) ≤ 1.3.
 *
 *   npm run bench -- monitor-rss           3 minutes
 *   npm run bench -- monitor-rss scale     30 minutes
 *   BENCH_MINUTES=10 npm run bench -- monitor-rss
 */
import { execSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient } from 'mongodb';
import { stringify } from 'yaml';
import { currentStack } from '../src/stack/stack.js';
import { makeDocGenerator } from './weather-docs.js';

const ROOT = join(import.meta.dirname, '..');
const MINUTES = Number(process.env.BENCH_MINUTES ?? (process.argv.includes('scale') ? 30 : 3));
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const DOCS = 2_000;
const uptime = (): string => execSync('uptime').toString().trim();
const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`;

const stack = currentStack();
const database = `bench_monitor_rss_${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'proofline-monitor-rss-'));
const probeFile = join(dir, 'memory.jsonl');

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** One dashboard in a browser tab: page load, live stream, polls; counts what it got. */
async function dashboard(base: string, stop: AbortSignal, stats: { requests: number; errors: number; events: number; refused: number }): Promise<void> {
  const get = async (path: string): Promise<void> => {
    try {
      const r = await fetch(`${base}${path}`, { signal: stop });
      await r.arrayBuffer();
      stats.requests++;
      if (!r.ok) stats.errors++;
    } catch {
      if (!stop.aborted) stats.errors++;
    }
  };
  const stream = async (): Promise<void> => {
    while (!stop.aborted) {
      try {
        const r = await fetch(`${base}/api/events`, { signal: stop });
        if (r.status === 503) {
          // The monitor caps live streams (DEFAULT_MAX_EVENT_CLIENTS): the tab retries later, as EventSource does.
          stats.refused++;
          await r.arrayBuffer();
          await sleep(30_000, undefined, { signal: stop }).catch(() => undefined);
          continue;
        }
        const reader = r.body!.getReader();
        const text = new TextDecoder();
        for (let c = await reader.read(); !c.done; c = await reader.read()) stats.events += text.decode(c.value, { stream: true }).split('event:').length - 1;
      } catch {
        /* aborted at the end, or the stream dropped: reconnect */
      }
    }
  };
  const page = async (): Promise<void> => {
    const assets = ['/', '/assets/dashboard.js', '/assets/dashboard.css', '/assets/chart.umd.js'];
    const api = ['/api/runs?limit=20', '/api/invalid'];
    // BENCH_PAGE=assets|api loads only that half of the page (to tell which one costs memory).
    for (const p of process.env.BENCH_PAGE === 'assets' ? assets : process.env.BENCH_PAGE === 'api' ? api : [...assets, ...api]) await get(p);
  };
  await page();
  const live = stream();
  let tick = 0;
  while (!stop.aborted) {
    await get('/api/status');
    await get('/api/history?limit=60');
    await get('/api/history?check=availability&limit=60');
    if (++tick % 12 === 0 && !process.env.BENCH_NO_RELOAD) await page();
    await sleep(5_000, undefined, { signal: stop }).catch(() => undefined);
  }
  await live;
}

async function main(): Promise<void> {
  const client = await MongoClient.connect(stack.primaryUri);
  const coll = client.db(database).collection('hourly_measurements');
  await coll.createIndex({ id_station: 1, dh_utc: 1 }, { unique: true });
  const gen = makeDocGenerator(5);
  await coll.insertMany(Array.from({ length: DOCS }, (_, i) => gen(i)));
  const example = join(ROOT, 'examples/weather');
  const every = { interval: '5s' };
  const port = await freePort();
  const configFile = join(dir, 'pipeline.yaml');
  writeFileSync(
    configFile,
    stringify({
      version: 1,
      name: 'bench-monitor-rss',
      mongodb: { uri: stack.primaryUri, database, replicas: stack.replicaUris },
      checks: {
        availability: { ...every, read_collection: 'hourly_measurements' },
        schema: { ...every, collections: [{ collection: 'hourly_measurements', schema: join(example, 'schemas/hourly_measurements.json') }] },
        quality: { ...every, collection: 'hourly_measurements', rules: [{ type: 'null_rate', field: 'temperature_c', max: 0.05 }, { type: 'range', field: 'pressure_hpa', min: 850, max: 1100 }, { type: 'duplicates', key: ['id_station', 'dh_utc'] }] },
        replication: { ...every, samples: 3, timeout_ms: 4000 },
        coherence: { ...every, collection: 'hourly_measurements', source_field: 'source', fields: ['temperature_c', 'humidity_pct'] },
      },
      monitor: { port, check_timeout: '30s' },
    }),
  );
  process.stdout.write(`Pm monitor RSS: ${MINUTES} min, every check every 5 s, ${CLIENTS} dashboard clients, ${DOCS} documents\nload: ${uptime()}\n`);
  const child = spawn(process.execPath, ['--import', join(ROOT, 'bench/monitor-memory-probe.mjs'), join(ROOT, 'dist/cli/main.js'), 'monitor', '--config', configFile], {
    env: { ...process.env, PROOFLINE_MEMORY_PROBE: probeFile, PROOFLINE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr = (stderr + String(c)).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const stop = new AbortController();
  const stats = { requests: 0, errors: 0, events: 0, refused: 0 };
  const samples: { s: number; kb: number }[] = [];
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`the monitor exited (${child.exitCode}): ${stderr}`);
      const ok = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
      if (i > 120) throw new Error(`the monitor did not answer /healthz in 60 s: ${stderr}`);
      await sleep(500);
    }
    const where = (): string => {
      const lines = readFileSync(probeFile, 'utf8').trim().split('\n');
      const p = JSON.parse(lines.at(-1)!) as Record<string, number>;
      return `heap used ${mb(p.heapUsed! / 1024)} of ${mb(p.heapTotal! / 1024)}, external ${mb(p.external! / 1024)}`;
    };
    const started = performance.now();
    const clients = Array.from({ length: CLIENTS }, () => dashboard(base, stop.signal, stats));
    const end = started + MINUTES * 60_000;
    while (performance.now() < end) {
      await sleep(5_000);
      const s = Math.round((performance.now() - started) / 1000);
      samples.push({ s, kb: rssKb(child.pid!) });
      if (s % 30 < 5) process.stdout.write(`  ${s} s: RSS ${mb(samples.at(-1)!.kb)}, ${stats.requests} requests, ${stats.events} events; ${where()}\n`);
    }
    stop.abort();
    await Promise.all(clients);
    const at1 = samples.find((x) => x.s >= 60) ?? samples[0]!;
    const last = samples.at(-1)!;
    const peak = Math.max(...samples.map((x) => x.kb));
    const ratio = last.kb / at1.kb;
    const probe = readFileSync(probeFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const near = (s: number) => probe.reduce((a, p) => (Math.abs(p.s! - s) < Math.abs(a.s! - s) ? p : a));
    const parts = (p: Record<string, number>) => `heap used ${mb(p.heapUsed! / 1024)} of ${mb(p.heapTotal! / 1024)}, external ${mb(p.external! / 1024)} (array buffers ${mb(p.arrayBuffers! / 1024)}), RSS ${mb(p.rss! / 1024)}`;
    process.stdout.write(
      [
        `  clients: ${stats.requests} requests (${stats.errors} failed), ${stats.events} events received, ${stats.refused} event streams refused (cap)`,
        `  monitor at 1 min: ${parts(near(at1.s))}`,
        `  monitor at end:   ${parts(near(last.s))}`,
        `Pm: RSS ${mb(at1.kb)} at ${at1.s} s, ${mb(last.kb)} at ${last.s} s, peak ${mb(peak)}: ratio ${ratio.toFixed(2)} (goal ≤ 1.3: ${ratio <= 1.3 ? 'met' : 'NOT met'})`,
        `load: ${uptime()}`,
        '',
      ].join('\n'),
    );
  } finally {
    stop.abort();
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    await client.db(database).dropDatabase().catch(() => undefined);
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
