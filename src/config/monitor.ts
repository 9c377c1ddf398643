/**
 * `monitor:` — the long-running service: HTTP bind, which checks run and how often,
 * sync schedules, history retention, alerts. Owned by src/monitor.
 *
 * Which checks run and how often is set with each check (`checks.<name>.enabled` and
 * `.interval`, owned by src/checks): one place, used by `check` and `monitor` alike.
 */

const DURATION = { type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$', description: 'a duration such as 500ms, 30s, 5m, 1h, 7d' } as const;

export interface MonitorSyncSchedule {
  /** Cron pattern (5 fields, or 6 with seconds first), croner syntax. */
  cron: string;
  /** Streams to sync; all streams of the pipeline when absent. */
  streams?: string[];
  /** Name used in logs and metrics; defaults to the stream list. */
  name?: string;
}

export interface MonitorWebhookConfig {
  /** Literal URL, or… */
  url?: string;
  /** …the name of an environment variable holding it (keeps secrets out of the file). */
  url_env?: string;
  /** Attempts in total, first one included. */
  attempts: number;
  /** First backoff delay; doubles each retry. */
  backoff_ms: number;
  timeout_ms: number;
}

export interface MonitorConfig {
  host: string;
  port: number;
  /** Env var holding a bearer token; when set, everything but /healthz requires it. */
  token_env?: string;
  /** A check run longer than this is recorded as failed (timed out). */
  check_timeout: string;
  /** On SIGTERM/SIGINT, how long in-flight checks and syncs may take to finish before they are interrupted. */
  shutdown_grace: string;
  syncs: MonitorSyncSchedule[];
  history: { collection: string; retention: string };
  server_log: { interval: string; limit: number };
  alerts: { on_warn: boolean; webhook?: MonitorWebhookConfig };
}

export const monitorSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    host: { type: 'string', minLength: 1, default: '127.0.0.1' },
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 9464 },
    token_env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'an environment variable name' },
    check_timeout: { ...DURATION, default: '30s' },
    shutdown_grace: { ...DURATION, default: '30s' },
    syncs: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['cron'],
        properties: {
          cron: { type: 'string', minLength: 9 },
          streams: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
          name: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', description: 'letters, digits, _ . -' },
        },
      },
    },
    history: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        collection: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', default: '_proofline_check_history', description: 'a collection name' },
        retention: { ...DURATION, default: '7d' },
      },
    },
    server_log: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        interval: { ...DURATION, default: '30s' },
        limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
      },
    },
    alerts: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        on_warn: { type: 'boolean', default: false },
        webhook: {
          type: 'object',
          additionalProperties: false,
          properties: {
            url: { type: 'string', pattern: '^https?://', description: 'an http(s) URL' },
            url_env: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'an environment variable name' },
            attempts: { type: 'integer', minimum: 1, maximum: 20, default: 5 },
            backoff_ms: { type: 'integer', minimum: 1, maximum: 600000, default: 500 },
            timeout_ms: { type: 'integer', minimum: 100, maximum: 600000, default: 5000 },
          },
        },
      },
    },
  },
} as const;
