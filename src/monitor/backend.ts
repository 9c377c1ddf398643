import type { PipelineConfig } from '../config/load.js';
import type { Logger } from '../common/logger.js';
import { redactText, uriHosts } from '../common/redact.js';
import { errorMessage } from '../errors.js';
import type { Alerts } from './alerts.js';
import type { CheckLoop } from './check-loop.js';
import type { MonitorMetrics } from './metrics.js';
import type { MonitorDb } from './monitor-db.js';
import type { Scheduler } from './scheduler.js';
import type { MonitorBackend } from './server.js';
import { invalidSamples, locationText } from '../checks/invalid-samples.js';
import { collectQuarantine, SAMPLES_PER_RULE } from '../store/quarantine-samples.js';
import type { ServerPoller } from './server-poller.js';
import type { SyncSchedules } from './syncs.js';

/**
 * What the monitor's HTTP API answers, read from the running parts: the checks' latest
 * results, the history (from the database, or the in-memory window while it is down),
 * the runs, the invalid documents of the latest schema check with their quarantined raw
 * records, the server log, the metrics and the live event stream.
 */

export interface BackendParts {
  config: PipelineConfig;
  startedAt: string;
  db: MonitorDb;
  checks: CheckLoop;
  syncs: SyncSchedules;
  alerts: Alerts;
  scheduler: Scheduler;
  poller: ServerPoller;
  metrics: MonitorMetrics;
  subscribers: Set<(event: string, data: unknown) => void>;
  log: Logger;
}

export function monitorBackend(p: BackendParts): MonitorBackend {
  // The quarantine lookup behind the invalid documents is read once per schema result, not
  // once per dashboard request.
  let invalid: { at: string; answer: Promise<unknown> } | undefined;
  return {
    checkNames: p.checks.settings.map((s) => s.name),
    status: async () => {
      const caps = p.db.capabilities;
      return {
        pipeline: p.config.name,
        startedAt: p.startedAt,
        server: caps ? { flavor: caps.server.flavor, version: caps.server.version, hosts: uriHosts(p.config.mongodb.uri) } : null,
        database: p.db.session ? 'connected' : 'unreachable',
        history: p.db.history ? p.db.history.retention : 'memory-only',
        checks: p.checks.status(),
        alerts: { levels: p.alerts.current(), recent: p.alerts.events().slice(0, 20) },
        syncs: p.syncs.states(),
        scheduler: p.scheduler.stats(),
      };
    },
    history: async (q) => {
      const history = p.db.history;
      if (history) {
        try {
          return { source: 'database', entries: await history.checks(q.check, q.limit) };
        } catch (e) {
          p.log.warn({ err: redactText(errorMessage(e)) }, 'history read failed, serving memory');
        }
      }
      return { source: 'memory', entries: p.checks.recent(q.check, q.limit) };
    },
    runs: async (limit) => {
      const history = p.db.history;
      if (!history) return { source: 'unavailable', runs: [], monitorSyncs: [] };
      const [runs, monitorSyncs] = await Promise.all([history.runs(limit), history.syncs(limit)]);
      return { source: 'database', runs, monitorSyncs };
    },
    invalid: () => {
      const latest = p.checks.latestSchema();
      if (latest && invalid?.at === latest.at) return invalid.answer;
      const answer = invalidAnswer(p, latest);
      if (latest) invalid = { at: latest.at, answer };
      return answer;
    },
    serverLog: () => p.poller.panel,
    metrics: async () => ({ contentType: p.metrics.registry.contentType, body: await p.metrics.registry.metrics() }),
    subscribe: (fn) => {
      p.subscribers.add(fn);
      return () => p.subscribers.delete(fn);
    },
  };
}

/** The latest schema check's invalid documents, joined to their raw records in quarantine. */
async function invalidAnswer(p: BackendParts, latest: ReturnType<CheckLoop['latestSchema']>): Promise<unknown> {
  const session = p.db.session;
  const collections = p.config.checks.schema.collections.map((c) => c.collection);
  // The raw records behind them, found by place of origin; without the database the samples still show.
  const quarantine = session && latest ? await collectQuarantine(session.db, collections).catch(() => []) : [];
  return {
    at: latest?.at ?? null,
    samplesPerRule: SAMPLES_PER_RULE,
    samples: invalidSamples(latest?.result, quarantine).map((x) => ({ ...x, where: locationText(x.location) })),
    quarantine: quarantine.map((q) => ({ collection: q.collection, rejectsCollection: q.rejectsCollection, total: q.total })),
  };
}
