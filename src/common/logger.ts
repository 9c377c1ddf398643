import { pino, destination, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { redactText } from './redact.js';

/**
 * One structured logger for the whole library. JSON on stderr by default (stdout is
 * reserved for command output and for Airbyte protocol messages); human-readable
 * when stderr is a TTY or PROOFLINE_LOG_PRETTY=1 (colour only on a TTY: a pipe never gets
 * escape codes); PROOFLINE_LOG_PRETTY=0 asks for JSON on a TTY too. Every string field is passed through
 * the URI redactor so a connection string in an error never lands in a log.
 */

export type { Logger };

function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 4 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: redactText(value.message), code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}

export interface CreateLoggerOptions {
  level?: string;
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
  name?: string;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? process.env.PROOFLINE_LOG_LEVEL ?? 'info';
  const pretty =
    options.pretty ?? (process.env.PROOFLINE_LOG_PRETTY === '1' || (process.env.PROOFLINE_LOG_PRETTY !== '0' && Boolean(process.stderr.isTTY)));
  const base: LoggerOptions = {
    level,
    name: options.name ?? 'proofline',
    formatters: { log: (obj) => redactDeep(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const redacted = args.map((a) => (typeof a === 'string' ? redactText(a) : a)) as Parameters<typeof method>;
        method.apply(this, redacted);
      },
    },
  };
  if (pretty && !options.destination) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { destination: 2, colorize: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR } } });
  }
  return pino(base, (options.destination as DestinationStream | undefined) ?? destination(2));
}

let rootLogger: Logger | undefined;

/** The process-wide logger; commands may replace it (e.g. to raise the level). */
export function logger(): Logger {
  rootLogger ??= createLogger();
  return rootLogger;
}

export function setLogger(l: Logger): void {
  rootLogger = l;
}

/**
 * Commands that draw their own progress and summary (sync, check, report) keep a
 * terminal for them: on a TTY their info lines are held back unless PROOFLINE_LOG_LEVEL
 * asks for them. Off a TTY (CI, cron, containers) every structured line still goes out.
 */
export function quietOnTerminal(): void {
  if (process.stderr.isTTY && !process.env.PROOFLINE_LOG_LEVEL) logger().level = 'warn';
}
