/**
 * Query parameters of the JSON API. Only known keys, each at most once, each a plain
 * scalar: `check` must be one of the configured check names and `limit` a bounded
 * integer. `?check[$ne]=x` or `?limit={"$gt":0}` are rejected with 400 before anything
 * reaches the database, and the values that pass are used with `$eq` only.
 */

export class BadRequest extends Error {
  readonly status = 400;
}

export interface HistoryQuery {
  check?: string;
  limit: number;
}

export const LIMIT_MAX = 1000;

function only(params: URLSearchParams, allowed: string[]): void {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (!allowed.includes(key)) throw new BadRequest(`unknown query parameter ${JSON.stringify(key)} (allowed: ${allowed.join(', ') || 'none'})`);
    if (seen.has(key)) throw new BadRequest(`query parameter ${key} given more than once`);
    seen.add(key);
  }
}

export function parseLimit(raw: string | null, fallback: number): number {
  if (raw === null) return fallback;
  if (!/^[0-9]{1,4}$/.test(raw)) throw new BadRequest(`limit must be an integer between 1 and ${LIMIT_MAX}`);
  const n = Number(raw);
  if (n < 1 || n > LIMIT_MAX) throw new BadRequest(`limit must be an integer between 1 and ${LIMIT_MAX}`);
  return n;
}

export function parseHistoryQuery(params: URLSearchParams, checkNames: readonly string[]): HistoryQuery {
  only(params, ['check', 'limit']);
  const check = params.get('check');
  if (check !== null && !checkNames.includes(check)) throw new BadRequest(`check must be one of ${checkNames.join(', ')}`);
  return { ...(check !== null ? { check } : {}), limit: parseLimit(params.get('limit'), 100) };
}

export function parseRunsQuery(params: URLSearchParams): { limit: number } {
  only(params, ['limit']);
  return { limit: parseLimit(params.get('limit'), 20) };
}

export function parseNoQuery(params: URLSearchParams): void {
  only(params, []);
}
