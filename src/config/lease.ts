import { parseDuration, parsePositiveDuration } from '../common/duration.js';

/**
 * `lease:` — one writer per pipeline stream (store/lease.ts). `ttl`: how long a lease
 * outlives its last heartbeat, i.e. how soon a crashed owner is taken over. `wait`: how
 * long a run waits for a stream another run holds; 0 reports "already running" at once.
 */

export interface LeaseConfig {
  ttl: string;
  wait: string;
}

export const leaseSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    ttl: { type: 'string', default: '30s', description: 'a duration such as 30s or 2m' },
    wait: { type: 'string', default: '0s', description: 'a duration such as 0s, 30s or 10m' },
  },
} as const;

export function leaseTimings(lease: LeaseConfig | undefined, waitOverride?: string): { ttlMs: number; waitMs: number } {
  return {
    ttlMs: parsePositiveDuration(lease?.ttl ?? '30s', 'lease.ttl'),
    waitMs: parseDuration(waitOverride ?? lease?.wait ?? '0s', waitOverride === undefined ? 'lease.wait' : '--wait-for-lease'),
  };
}
