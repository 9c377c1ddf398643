import type { Document } from 'mongodb';
import { redactText } from '../common/redact.js';
import { UNSUPPORTED_BY_SERVER } from '../store/capabilities.js';
import { errorMessage } from '../errors.js';
import type { MonitorMetrics } from './metrics.js';
import type { MonitorDb } from './monitor-db.js';
import { collectServerLog, leftOutText, type ServerLogLine } from './server-log.js';

/**
 * The server's own statistics and log, polled on the monitor's schedule: connections and
 * opcounters go to /metrics, the filtered log to the dashboard's server-log panel.
 */

export interface ServerLogPanel {
  supported: boolean;
  detail?: string;
  lines: ServerLogLine[];
  at?: string;
  scanned?: number;
  notable?: number;
  leftOut?: Record<string, number>;
  leftOutText?: string;
}

export class ServerPoller {
  panel: ServerLogPanel = { supported: false, detail: 'not probed yet (database not reachable)', lines: [] };

  constructor(
    private readonly db: MonitorDb,
    private readonly metrics: MonitorMetrics,
    private readonly logLimit: number,
    private readonly broadcast: (event: string, data: unknown) => void,
  ) {}

  async poll(): Promise<void> {
    const { session, capabilities: caps } = this.db;
    if (!session || !caps) return;
    // A server that does not answer serverStatus reports its statistics as not supported, below.
    const status = (await session.client
      .db('admin')
      .command({ serverStatus: 1 })
      .catch(() => null)) as Document | null;
    const supported = {
      connections: caps.serverStatus.connections.supported && Boolean(status?.connections),
      opcounters: caps.serverStatus.opcounters.supported && Boolean(status?.opcounters),
    };
    this.metrics.observeServerStats({ connections: status?.connections, opcounters: status?.opcounters }, supported);
    if (!caps.getLog.supported) {
      this.panel = { supported: false, detail: caps.getLog.detail ?? UNSUPPORTED_BY_SERVER, lines: [] };
    } else {
      try {
        const panel = await collectServerLog(session.client, this.logLimit, caps.provokedErrors ?? []);
        this.panel = { supported: true, ...panel, leftOutText: leftOutText(panel.leftOut), at: new Date().toISOString() };
      } catch (e) {
        this.panel = { supported: true, detail: `getLog failed: ${redactText(errorMessage(e))}`, lines: this.panel.lines };
      }
    }
    this.broadcast('serverlog', this.panel);
  }
}
