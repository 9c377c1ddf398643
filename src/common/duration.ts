import { ConfigError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * "500ms", "30s", "5m", "2h", "1d" → milliseconds: the one duration grammar of the config
 * (checks, monitor) and the CLI. `key` names the config key in the error.
 */
export function parseDuration(text: string, key?: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(String(text).trim());
  if (!m) throw new ConfigError(`${key ? `${key}: ` : ''}invalid duration ${JSON.stringify(text)}: expected a number followed by ms, s, m, h or d (e.g. 500ms, 30s, 5m, 1h, 7d)`);
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** A duration that drives a timer (intervals, timeouts, retention): zero would spin or expire at once. */
export function parsePositiveDuration(text: string, key = 'duration'): number {
  const ms = parseDuration(text, key);
  if (!(ms > 0)) throw new ConfigError(`${key}: must be greater than zero`);
  return ms;
}

/** 1234 → "1.23 s", 90000 → "1.5 min": for messages an operator reads. */
export function formatMs(ms: number | null): string {
  if (ms === null) return 'n/a';
  if (ms < 1_000) return `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(2)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}
