import { ConfigError } from '../errors.js';

/** Durations in the `monitor:` config (`500ms`, `30s`, `5m`, `1h`, `7d`), same grammar as the checks' intervals. */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string, key = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(String(text).trim());
  if (!m) throw new ConfigError(`${key}: expected a duration such as 500ms, 30s, 5m, 1h or 7d, got ${JSON.stringify(text)}`);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (!(ms > 0)) throw new ConfigError(`${key}: must be greater than zero`);
  return ms;
}
