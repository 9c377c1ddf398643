import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Document } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { StalenessWatch } from '../checks/replication-staleness.js';
import { CHECK_NAMES, CheckStatus, type CheckName, type CheckResult } from '../checks/result.js';
import { parsePositiveDuration } from '../common/duration.js';
import { UNSUPPORTED_BY_SERVER, type Capabilities } from '../store/capabilities.js';
import { DbSession, sessionOf } from '../store/session.js';
import { logger } from '../common/logger.js';
import { redactText, uriHosts } from '../common/redact.js';
import { ConfigError, errorMessage } from '../errors.js';
import { MonitorMetrics } from './metrics.js';
import { Alerts } from './alerts.js';
import { HistoryStore } from './history.js';
import { Scheduler } from './scheduler.js';
import { SyncSchedules, type SyncRunner } from './syncs.js';
import { collectServerLog, leftOutText, type ServerLogLine } from './server-log.js';
import { createMonitorServer } from './server.js';
import { isLoopback } from './loopback.js';
import { digest, type CheckDigest } from './digest.js';
import { runCheck as runCheckOfSuite } from '../checks/run.js';
import { runSync as runSyncOfEngine } from '../sync/run-sync.js';

/**
 * The monitor service: one scheduler job per enabled check (each on its own interval),
 * cron-scheduled syncs, a server-statistics poller, history in the database, alerts on
 * state changes and the HTTP server. The CLI command is a thin shell over startMonitor.
 */

export type CheckRunner = (name: CheckName, config: PipelineConfig, options: { signal?: AbortSignal; staleness?: StalenessWatch }) => Promise<CheckResult>;

export interface MonitorOptions {
  host?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Injected in tests and benches; by default the check suite (src/checks/run.ts). */
  runCheck?: CheckRunner;
  /** By default the sync engine (src/sync/run-sync.ts). */
  runSync?: SyncRunner;
  /** How long in-flight work may take to finish on shutdown before it is interrupted. */
  shutdownGraceMs?: number;
}

export interface MonitorHandle {
  url: string;
  host: string;
  port: number;
  metrics: MonitorMetrics;
  scheduler: Scheduler;
  alerts: Alerts;
  syncs: SyncSchedules;
  close(): Promise<void>;
}

interface CheckState {
  name: CheckName;
  intervalMs: number;
  latest?: CheckDigest & { at: string };
  lastSuccessAt?: string;
  recent: (CheckDigest & { at: string })[];
}

const RECENT_IN_MEMORY = 200;
const RECONNECT_MS = 10_000;

function checkSettings(config: PipelineConfig): { name: CheckName; intervalMs: number }[] {
  const checks = (config.checks ?? {}) as unknown as Record<string, { enabled?: boolean; interval?: string } | undefined>;
  return CHECK_NAMES.filter((n) => checks[n]?.enabled !== false).map((name) => ({ name, intervalMs: parsePositiveDuration(checks[name]?.interval ?? '60s', `checks.${name}.interval`) }));
}

function timedOut(name: CheckName, ms: number, startedAt: string, reason: string): CheckResult {
  return {
    name,
    status: CheckStatus.FAIL,
    summary: `${name} check ${reason}`,
    startedAt,
    durationMs: ms,
    measurements: {},
    thresholds: [],
    findings: [{ status: CheckStatus.FAIL, message: `${name} check ${reason}` }],
    evidence: {},
  };
}

export async function startMonitor(config: PipelineConfig, options: MonitorOptions = {}): Promise<MonitorHandle> {
  const env = options.env ?? process.env;
  const mon = config.monitor;
  const log = logger();
  const token = mon.token_env ? env[mon.token_env] : undefined;
  if (mon.token_env && !token) throw new ConfigError(`monitor.token_env: the environment variable ${mon.token_env} is not set (or empty)`);
  const hook = mon.alerts?.webhook;
  const hookUrl = hook ? (hook.url ?? (hook.url_env ? env[hook.url_env] : undefined)) : undefined;
  if (hook && !hookUrl) throw new ConfigError('monitor.alerts.webhook: set url, or url_env naming a set environment variable');

  const timeoutMs = parsePositiveDuration(mon.check_timeout, 'monitor.check_timeout');
  const graceMs = options.shutdownGraceMs ?? parsePositiveDuration(mon.shutdown_grace, 'monitor.shutdown_grace');
  const settings = checkSettings(config);
  const checkNames = settings.map((s) => s.name);
  const runCheck = options.runCheck ?? runCheckOfSuite;
  const runSync = options.runSync ?? runSyncOfEngine;

  const metrics = new MonitorMetrics();
  // Lives as long as the monitor: a stale replica's oldest unseen marker is watched across runs.
  const staleness = new StalenessWatch();
  metrics.setInfo(config.name, uriHosts(config.mongodb.uri));
  const subscribers = new Set<(event: string, data: unknown) => void>();
  const broadcast = (event: string, data: unknown): void => {
    for (const s of subscribers) s(event, data);
  };
  const alerts = new Alerts({
    pipeline: config.name,
    onWarn: mon.alerts?.on_warn ?? false,
    metrics,
    ...(hook && hookUrl ? { webhook: { url: hookUrl, attempts: hook.attempts, backoffMs: hook.backoff_ms, timeoutMs: hook.timeout_ms } } : {}),
    onEvent: (e) => broadcast('alert', e),
  });

  let session: DbSession | undefined;
  let caps: Capabilities | undefined;
  let history: HistoryStore | undefined;
  // Built before anything starts: a bad cron pattern is a config error with nothing left running.
  const syncs = new SyncSchedules(config, {
    runSync,
    metrics,
    history: () => history,
    onEvent: broadcast,
  });
  let stopping = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  const retentionMs = parsePositiveDuration(mon.history.retention);
  const connectDb = async (): Promise<void> => {
    try {
      const s = await DbSession.open(sessionOf(config, 'proofline-monitor', log));
      if (stopping) return void (await s.close());
      const c = await s.capabilities(`_proofline_probe_monitor_${process.pid}`);
      const h = new HistoryStore(s.db, mon.history.collection, retentionMs);
      await h.init();
      session = s;
      caps = c;
      history = h;
      log.info({ event: 'monitor_db', server: c.server.flavor, history: h.retention }, 'monitor: connected to the database');
    } catch (e) {
      log.warn({ event: 'monitor_db', err: redactText(errorMessage(e)), retryInMs: RECONNECT_MS }, 'monitor: database not reachable, history kept in memory until it is');
      if (!stopping) reconnectTimer = setTimeout(() => void connectDb(), RECONNECT_MS);
      reconnectTimer?.unref();
    }
  };
  await connectDb();

  const states = new Map<CheckName, CheckState>(settings.map((s) => [s.name, { ...s, recent: [] }]));
  const inflight = new Map<CheckName, AbortController>();

  const accept = async (result: CheckResult, interrupted?: string): Promise<void> => {
    const at = new Date();
    metrics.observeCheck(result, at.getTime());
    const d: CheckDigest = { ...digest(result), ...(interrupted ? { interrupted } : {}) };
    const state = states.get(result.name)!;
    const entry = { ...d, at: at.toISOString() };
    state.latest = entry;
    if (result.status === CheckStatus.PASS || result.status === CheckStatus.WARN) state.lastSuccessAt = entry.at;
    state.recent.unshift(entry);
    state.recent.length = Math.min(state.recent.length, RECENT_IN_MEMORY);
    log.info({ event: 'check_run', check: result.name, status: result.status, durationMs: result.durationMs, interrupted }, `${result.name}: ${result.status}: ${d.summary}`);
    await history?.recordCheck(d, at).catch((e: unknown) => log.warn({ err: redactText(errorMessage(e)), check: result.name }, 'check run not recorded in history'));
    alerts.evaluate(result, at);
    broadcast('check', entry);
  };

  const runOne = async (name: CheckName): Promise<void> => {
    const controller = new AbortController();
    inflight.set(name, controller);
    const startedAt = new Date().toISOString();
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const cut = new Promise<{ result: CheckResult; interrupted: string }>((resolve) => {
      timer = setTimeout(() => resolve({ result: timedOut(name, timeoutMs, startedAt, `timed out after ${mon.check_timeout}`), interrupted: 'timeout' }), timeoutMs);
      controller.signal.addEventListener('abort', () =>
        resolve({ result: timedOut(name, Math.round(performance.now() - started), startedAt, 'interrupted: the monitor was stopping'), interrupted: 'shutdown' }),
      );
    });
    const work = runCheck(name, config, { signal: controller.signal, staleness }).then((result) => ({ result, interrupted: undefined }));
    try {
      const { result, interrupted } = await Promise.race([work, cut]);
      if (interrupted === 'timeout') controller.abort(new Error('check timed out'));
      await accept(result, interrupted);
      // A timed-out run holds its slot until it really ends: runs of one check never overlap.
      if (interrupted) await work.catch(() => undefined);
    } finally {
      clearTimeout(timer);
      inflight.delete(name);
    }
  };

  const scheduler = new Scheduler();
  for (const s of settings) {
    // A real zero from the start (no tick missed yet), so rate() works before the first miss.
    metrics.ticksMissed.inc({ check: s.name }, 0);
    scheduler.add({
      name: s.name,
      intervalMs: s.intervalMs,
      run: () => runOne(s.name),
      onMissed: (reason) => {
        metrics.ticksMissed.inc({ check: s.name });
        log.warn({ event: 'tick_missed', check: s.name, reason }, `${s.name}: scheduled run skipped (${reason === 'overlap' ? 'previous run still going' : 'timer late'})`);
      },
    });
  }

  let serverLog: { supported: boolean; detail?: string; lines: ServerLogLine[]; at?: string; scanned?: number; notable?: number; leftOut?: Record<string, number>; leftOutText?: string } = {
    supported: false,
    detail: 'not probed yet (database not reachable)',
    lines: [],
  };
  const pollServer = async (): Promise<void> => {
    if (!session || !caps) return;
    const client = session.client;
    const status = (await client.db('admin').command({ serverStatus: 1 }).catch(() => null)) as Document | null;
    const supported = {
      connections: caps.serverStatus.connections.supported && Boolean(status?.connections),
      opcounters: caps.serverStatus.opcounters.supported && Boolean(status?.opcounters),
    };
    metrics.observeServerStats({ connections: status?.connections, opcounters: status?.opcounters }, supported);
    if (!caps.getLog.supported) {
      serverLog = { supported: false, detail: caps.getLog.detail ?? UNSUPPORTED_BY_SERVER, lines: [] };
    } else {
      try {
        const panel = await collectServerLog(client, mon.server_log.limit, caps.provokedErrors ?? []);
        serverLog = { supported: true, ...panel, leftOutText: leftOutText(panel.leftOut), at: new Date().toISOString() };
      } catch (e) {
        serverLog = { supported: true, detail: `getLog failed: ${redactText(errorMessage(e))}`, lines: serverLog.lines };
      }
    }
    broadcast('serverlog', serverLog);
  };
  scheduler.add({ name: '_server', intervalMs: parsePositiveDuration(mon.server_log.interval), run: pollServer });

  syncs.start();

  const startedAt = new Date().toISOString();
  const server: Server = createMonitorServer(
    {
      checkNames,
      status: async () => ({
        pipeline: config.name,
        startedAt,
        server: caps ? { flavor: caps.server.flavor, version: caps.server.version, hosts: uriHosts(config.mongodb.uri) } : null,
        database: session ? 'connected' : 'unreachable',
        history: history ? history.retention : 'memory-only',
        checks: settings.map((s) => {
          const st = states.get(s.name)!;
          return { name: s.name, intervalMs: s.intervalMs, running: inflight.has(s.name), latest: st.latest ?? null, lastSuccessAt: st.lastSuccessAt ?? null };
        }),
        alerts: { levels: alerts.current(), recent: alerts.events().slice(0, 20) },
        syncs: syncs.states(),
        scheduler: scheduler.stats(),
      }),
      history: async (q) => {
        if (history) {
          try {
            return { source: 'database', entries: await history.checks(q.check, q.limit) };
          } catch (e) {
            log.warn({ err: redactText(errorMessage(e)) }, 'history read failed, serving memory');
          }
        }
        const all = [...states.values()].filter((s) => !q.check || s.name === q.check).flatMap((s) => s.recent);
        all.sort((a, b) => b.at.localeCompare(a.at));
        return { source: 'memory', entries: all.slice(0, q.limit) };
      },
      runs: async (limit) => {
        if (!history) return { source: 'unavailable', runs: [], monitorSyncs: [] };
        const [runs, monitorSyncs] = await Promise.all([history.runs(limit), history.syncs(limit)]);
        return { source: 'database', runs, monitorSyncs };
      },
      serverLog: () => serverLog,
      metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
      subscribe: (fn) => {
        subscribers.add(fn);
        return () => subscribers.delete(fn);
      },
    },
    { host: options.host ?? mon.host, port: options.port ?? mon.port, ...(token ? { token } : {}) },
  );
  const bindHost = options.host ?? mon.host;
  const bindPort = options.port ?? mon.port;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(bindPort, bindHost, () => resolve());
    });
  } catch (e) {
    // Nothing may keep running behind a monitor that could not start.
    stopping = true;
    clearTimeout(reconnectTimer);
    await Promise.all([scheduler.stop(0), syncs.stop(0)]);
    await session?.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot listen on ${bindHost}:${bindPort}: ${code === 'EADDRINUSE' ? 'the port is already in use' : errorMessage(e)}`, {
      cause: e,
      hint: 'Pick another port with --port (0 picks a free one) or monitor.port.',
    });
  }
  const addr = server.address() as AddressInfo;
  const host = addr.address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  log.info({ event: 'monitor_start', url, checks: settings.map((s) => ({ check: s.name, intervalMs: s.intervalMs })), syncs: syncs.states().map((s) => s.name), auth: Boolean(token) }, `monitor listening on ${url}`);
  if (!token && !isLoopback(host)) {
    log.warn({ event: 'monitor_unprotected', url }, `monitor listens on ${url} beyond loopback WITHOUT a token: anyone who reaches it reads the dashboard and API; set monitor.token_env`);
  }
  void pollServer();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      stopping = true;
      clearTimeout(reconnectTimer);
      log.info({ event: 'monitor_stop', graceMs: graceMs }, 'monitor: stopping, letting in-flight work finish');
      const [stillRunning] = await Promise.all([scheduler.stop(graceMs), syncs.stop(graceMs)]);
      for (const name of stillRunning) inflight.get(name as CheckName)?.abort(new Error('monitor shutting down'));
      // Interrupted runs record themselves; wait for those records before closing the client.
      await scheduler.stop(5_000);
      await Promise.race([alerts.flush(), new Promise((r) => setTimeout(r, 5_000).unref())]);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      staleness.close();
      await session?.close();
      log.info({ event: 'monitor_stopped', interrupted: stillRunning }, 'monitor: stopped');
    })());

  return { url, host, port: addr.port, metrics, scheduler, alerts, syncs, close };
}
