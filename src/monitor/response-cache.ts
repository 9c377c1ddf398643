/**
 * A short-lived cache of the JSON API's answers, shared by every client: fifty dashboards
 * polling /api/status and /api/history cost one build and one serialisation per URL per
 * `ttlMs`, not fifty, so the monitor's memory and CPU do not grow with its audience
 * (docs/performance.md "The monitor's memory"). Concurrent misses of one key share one
 * build. Bounded: at most `maxEntries` keys (the oldest go first), each answer as it was
 * built; a failed build is not kept.
 */

export const RESPONSE_TTL_MS = 1_000;
export const RESPONSE_MAX_ENTRIES = 64;

export class ResponseCache {
  private readonly entries = new Map<string, { at: number; text: Promise<string> }>();

  constructor(
    private readonly ttlMs = RESPONSE_TTL_MS,
    private readonly maxEntries = RESPONSE_MAX_ENTRIES,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  answer(key: string, build: () => Promise<string>): Promise<string> {
    const t = this.now();
    const hit = this.entries.get(key);
    if (hit && t - hit.at < this.ttlMs) return hit.text;
    this.entries.delete(key);
    const text = build();
    text.catch(() => {
      if (this.entries.get(key)?.text === text) this.entries.delete(key);
    });
    this.entries.set(key, { at: t, text });
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(k);
    }
    return text;
  }
}

/** The frame of an event, built once for every live stream that receives the same event object. */
export function memoLast(build: (event: string, data: unknown) => string): (event: string, data: unknown) => string {
  let last: { event: string; data: unknown; out: string } | undefined;
  return (event, data) => {
    if (last && last.event === event && last.data === data && typeof data === 'object' && data !== null) return last.out;
    const out = build(event, data);
    last = { event, data, out };
    return out;
  };
}
