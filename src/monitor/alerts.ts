import type { CheckResult } from '../checks/result.js';
import { logger } from '../common/logger.js';
import type { MonitorMetrics } from './metrics.js';
import { postWebhook, type WebhookOptions } from './webhook.js';

/**
 * Alerts fire on state changes, not on ticks: each check has an alert level (ok,
 * warning, critical) and only a change of level produces an event, a log line and a
 * webhook POST. Going back to ok is announced as `resolved`. An `unsupported` result
 * says nothing about health, so it leaves the level as it was.
 */

export const AlertLevel = Object.freeze({ OK: 'ok', WARNING: 'warning', CRITICAL: 'critical' } as const);
export type AlertLevel = (typeof AlertLevel)[keyof typeof AlertLevel];

export interface AlertEvent {
  check: string;
  state: 'firing' | 'resolved';
  level: AlertLevel;
  previous: AlertLevel;
  status: string;
  summary: string;
  at: string;
  pipeline: string;
}

export interface AlertsOptions {
  pipeline: string;
  onWarn: boolean;
  metrics?: MonitorMetrics;
  webhook?: { url: string } & WebhookOptions;
  /** Called for every event (the SSE stream uses it). */
  onEvent?: (e: AlertEvent) => void;
}

export class Alerts {
  private readonly levels = new Map<string, AlertLevel>();
  private readonly recent: AlertEvent[] = [];
  /** Deliveries run one after another so a receiver sees transitions in order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: AlertsOptions) {}

  levelOf(result: Pick<CheckResult, 'status'>): AlertLevel | undefined {
    switch (result.status) {
      case 'fail':
        return AlertLevel.CRITICAL;
      case 'warn':
        return this.options.onWarn ? AlertLevel.WARNING : AlertLevel.OK;
      case 'pass':
        return AlertLevel.OK;
      default:
        return undefined;
    }
  }

  evaluate(result: Pick<CheckResult, 'name' | 'status' | 'summary'>, at = new Date()): AlertEvent | undefined {
    const level = this.levelOf(result);
    if (level === undefined) return undefined;
    const previous = this.levels.get(result.name) ?? AlertLevel.OK;
    this.levels.set(result.name, level);
    if (level === previous) return undefined;
    const event: AlertEvent = {
      check: result.name,
      state: level === AlertLevel.OK ? 'resolved' : 'firing',
      level,
      previous,
      status: result.status,
      summary: result.summary,
      at: at.toISOString(),
      pipeline: this.options.pipeline,
    };
    this.emit(event);
    return event;
  }

  private emit(event: AlertEvent): void {
    const m = this.options.metrics;
    if (m) {
      m.alertFiring.remove({ check: event.check, severity: event.previous });
      if (event.state === 'firing') m.alertFiring.set({ check: event.check, severity: event.level }, 1);
    }
    const log = logger();
    const line = { event: 'alert', alert: event };
    if (event.state === 'firing') log.warn(line, `ALERT ${event.check} ${event.level}: ${event.summary}`);
    else log.info(line, `RESOLVED ${event.check}: ${event.summary}`);
    this.recent.unshift(event);
    this.recent.length = Math.min(this.recent.length, 50);
    this.options.onEvent?.(event);
    const hook = this.options.webhook;
    if (hook) {
      this.queue = this.queue.then(async () => {
        const r = await postWebhook(hook.url, event, hook);
        m?.webhookDeliveries.inc({ outcome: r.delivered ? 'delivered' : 'failed' });
        if (r.delivered) log.info({ event: 'alert_delivered', check: event.check, state: event.state, attempts: r.attempts }, 'alert webhook delivered');
        else log.error({ event: 'alert_undelivered', check: event.check, state: event.state, attempts: r.attempts, err: r.error }, 'alert webhook gave up');
      });
    }
  }

  /** Events newest first, for the API and the dashboard. */
  events(): AlertEvent[] {
    return [...this.recent];
  }

  /** Current level of every check that has one. */
  current(): Record<string, AlertLevel> {
    return Object.fromEntries(this.levels);
  }

  /** Wait for queued webhook deliveries (graceful shutdown). */
  flush(): Promise<void> {
    return this.queue;
  }
}
