import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { PipelineConfig } from '../config/load.js';
import { StalenessWatch } from '../checks/replication-staleness.js';
import { parsePositiveDuration } from '../common/duration.js';
import { logger } from '../common/logger.js';
import { uriHosts } from '../common/redact.js';
import { ConfigError, errorMessage } from '../errors.js';
import { MonitorMetrics } from './metrics.js';
import { Alerts } from './alerts.js';
import { Scheduler } from './scheduler.js';
import { SyncSchedules, type SyncRunner } from './syncs.js';
import { createMonitorServer } from './server.js';
import { isLoopback } from './loopback.js';
import { CheckLoop, type CheckRunner } from './check-loop.js';
import { MonitorDb } from './monitor-db.js';
import { ServerPoller } from './server-poller.js';
import { monitorBackend } from './backend.js';
import { runCheck as runCheckOfSuite } from '../checks/run.js';
import { runSync as runSyncOfEngine } from '../sync/run-sync.js';

/**
 * The monitor service, wired from its parts: the checks on their intervals
 * (check-loop.ts), cron-scheduled syncs (syncs.ts), the server poller (server-poller.ts),
 * its database session and history (monitor-db.ts), alerts on state changes, and the
 * HTTP server over them (backend.ts, server.ts). The CLI command is a thin shell over it.
 */

export type { CheckRunner } from './check-loop.js';

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

export async function startMonitor(config: PipelineConfig, options: MonitorOptions = {}): Promise<MonitorHandle> {
  const env = options.env ?? process.env;
  const mon = config.monitor;
  const log = logger();
  const token = mon.token_env ? env[mon.token_env] : undefined;
  if (mon.token_env && !token) throw new ConfigError(`monitor.token_env: the environment variable ${mon.token_env} is not set (or empty)`);
  const hook = mon.alerts?.webhook;
  const hookUrl = hook ? (hook.url ?? (hook.url_env ? env[hook.url_env] : undefined)) : undefined;
  if (hook && !hookUrl) throw new ConfigError('monitor.alerts.webhook: set url, or url_env naming a set environment variable');
  const graceMs = options.shutdownGraceMs ?? parsePositiveDuration(mon.shutdown_grace, 'monitor.shutdown_grace');

  const metrics = new MonitorMetrics();
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
  const db = new MonitorDb(config, log);
  // Built before anything starts: a bad cron pattern or interval is a config error with nothing left running.
  const syncs = new SyncSchedules(config, { runSync: options.runSync ?? runSyncOfEngine, metrics, history: () => db.history, onEvent: broadcast });
  const staleness = new StalenessWatch();
  const checks = new CheckLoop({ config, runCheck: options.runCheck ?? runCheckOfSuite, metrics, alerts, staleness, history: () => db.history, broadcast, log });
  await db.connect();

  const scheduler = new Scheduler();
  checks.schedule(scheduler);
  const poller = new ServerPoller(db, metrics, mon.server_log.limit, broadcast);
  scheduler.add({ name: '_server', intervalMs: parsePositiveDuration(mon.server_log.interval), run: () => poller.poll() });
  syncs.start();

  const backend = monitorBackend({ config, startedAt: new Date().toISOString(), db, checks, syncs, alerts, scheduler, poller, metrics, subscribers, log });
  const server: Server = createMonitorServer(backend, { host: options.host ?? mon.host, port: options.port ?? mon.port, ...(token ? { token } : {}) });
  const bindHost = options.host ?? mon.host;
  const bindPort = options.port ?? mon.port;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(bindPort, bindHost, () => resolve());
    });
  } catch (e) {
    // Nothing may keep running behind a monitor that could not start.
    await Promise.all([scheduler.stop(0), syncs.stop(0)]);
    await db.close();
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(`cannot listen on ${bindHost}:${bindPort}: ${code === 'EADDRINUSE' ? 'the port is already in use' : errorMessage(e)}`, {
      cause: e,
      hint: 'Pick another port with --port (0 picks a free one) or monitor.port.',
    });
  }
  const addr = server.address() as AddressInfo;
  const host = addr.address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;
  log.info({ event: 'monitor_start', url, checks: checks.settings.map((s) => ({ check: s.name, intervalMs: s.intervalMs })), syncs: syncs.states().map((s) => s.name), auth: Boolean(token) }, `monitor listening on ${url}`);
  if (!token && !isLoopback(host)) {
    log.warn({ event: 'monitor_unprotected', url }, `monitor listens on ${url} beyond loopback WITHOUT a token: anyone who reaches it reads the dashboard and API; set monitor.token_env`);
  }
  void poller.poll();

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      db.stopReconnecting();
      log.info({ event: 'monitor_stop', graceMs: graceMs }, 'monitor: stopping, letting in-flight work finish');
      const [stillRunning] = await Promise.all([scheduler.stop(graceMs), syncs.stop(graceMs)]);
      checks.interrupt(stillRunning);
      // Interrupted runs record themselves; wait for those records before closing the client.
      await scheduler.stop(5_000);
      await Promise.race([alerts.flush(), new Promise((r) => setTimeout(r, 5_000).unref())]);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      staleness.close();
      await db.close();
      log.info({ event: 'monitor_stopped', interrupted: stillRunning }, 'monitor: stopped');
    })());

  return { url, host, port: addr.port, metrics, scheduler, alerts, syncs, close };
}
