import type { PipelineConfig } from '../config/load.js';
import { parsePositiveDuration } from '../common/duration.js';
import type { Logger } from '../common/logger.js';
import { redactText } from '../common/redact.js';
import type { Capabilities } from '../store/capabilities.js';
import { DbSession, sessionOf } from '../store/session.js';
import { errorMessage } from '../errors.js';
import { HistoryStore } from './history.js';

/**
 * The monitor's own database session: its history and the server statistics it polls.
 * The monitor starts without it when the database is down (history then stays in memory)
 * and keeps trying every RECONNECT_MS until it connects.
 */

const RECONNECT_MS = 10_000;

export class MonitorDb {
  session?: DbSession;
  capabilities?: Capabilities;
  history?: HistoryStore;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(
    private readonly config: PipelineConfig,
    private readonly log: Logger,
  ) {}

  async connect(): Promise<void> {
    const mon = this.config.monitor;
    try {
      const s = await DbSession.open(sessionOf(this.config, 'proofline-monitor', this.log));
      if (this.stopping) return void (await s.close());
      const caps = await s.capabilities(`_proofline_probe_monitor_${process.pid}`);
      const h = new HistoryStore(s.db, mon.history.collection, parsePositiveDuration(mon.history.retention));
      await h.init();
      this.session = s;
      this.capabilities = caps;
      this.history = h;
      this.log.info({ event: 'monitor_db', server: caps.server.flavor, history: h.retention }, 'monitor: connected to the database');
    } catch (e) {
      this.log.warn({ event: 'monitor_db', err: redactText(errorMessage(e)), retryInMs: RECONNECT_MS }, 'monitor: database not reachable, history kept in memory until it is');
      if (!this.stopping) this.timer = setTimeout(() => void this.connect(), RECONNECT_MS);
      this.timer?.unref();
    }
  }

  /** Stop reconnecting (first), then close the session (last, after in-flight work recorded itself). */
  stopReconnecting(): void {
    this.stopping = true;
    clearTimeout(this.timer);
  }

  async close(): Promise<void> {
    this.stopReconnecting();
    await this.session?.close();
  }
}
