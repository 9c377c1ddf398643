/**
 * Loud by default: a stream that rejected more than a share of what it read fails the run
 * (exit 1), even when the config sets no `max_reject_rate`. 10 % is the default because a
 * source whose every tenth record is unusable is broken rather than noisy (the weather
 * example rejects 0.3–1.6 %); a stream that rejected everything it read always fails,
 * whatever `max_reject_rate` says, since nothing of it reached the collection.
 */

export const DEFAULT_MAX_REJECT_RATE = 0.1;

export interface RejectRateVerdict {
  exceeded: boolean;
  /** The limit that applied (the stream's max_reject_rate, or the default). */
  limit: number;
  /** Why the stream failed the rule, for the summary and the log; absent when it did not. */
  reason?: string;
}

const percent = (x: number): string => `${Number((x * 100).toFixed(2))} %`;

export function rejectRateVerdict(counts: { read: number; rejected: number }, maxRejectRate?: number): RejectRateVerdict {
  const limit = maxRejectRate ?? DEFAULT_MAX_REJECT_RATE;
  if (counts.read === 0) return { exceeded: false, limit };
  const rate = counts.rejected / counts.read;
  if (counts.rejected === counts.read) {
    return { exceeded: true, limit, reason: `rejected all ${counts.read} records read (100 % always fails)` };
  }
  if (rate > limit) {
    const source = maxRejectRate === undefined ? 'the default max_reject_rate' : 'max_reject_rate';
    return { exceeded: true, limit, reason: `rejected ${counts.rejected} of ${counts.read} records (${percent(rate)}), more than ${source} ${percent(limit)}` };
  }
  return { exceeded: false, limit };
}
