import { IANAZone } from 'luxon';
import { isValidZone } from '../common/time.js';

/**
 * Local wall-clock time → UTC through an IANA zone, with explicit DST rules:
 *
 * - Autumn (clocks go back): a local time in the repeated hour exists twice. Exports list
 *   the hour twice in order, so the FIRST occurrence gets the summer offset and, once the
 *   local time has gone backwards within the same file, the SECOND gets the winter offset.
 *   Both rows are kept and land one hour apart in UTC.
 * - Spring (clocks go forward): a local time inside the missing hour never existed; it is
 *   rejected with `dst_gap`, never shifted silently.
 */

export type TimeOutcome = { ok: true; utc: Date } | { ok: false; rule: 'dst_gap' | 'time_format' | 'time_zone'; message: string };

export interface ClockTime {
  hour: number;
  minute: number;
  second: number;
}

const CLOCK = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp]\.?\s*[Mm]\.?)?$/;

/** "12:04 AM", "1:35 PM", "13:35", "00:04:30" → hour/minute/second; undefined when not a time. */
export function parseClockTime(raw: string): ClockTime | undefined {
  const m = CLOCK.exec(raw.replace(/[\u00a0\u202f]/g, ' ').trim());
  if (!m) return undefined;
  let hour = Number(m[1]);
  const minute = Number(m[2]);
  const second = m[3] ? Number(m[3]) : 0;
  const meridiem = m[4]?.replace(/[\s.]/g, '').toUpperCase();
  if (minute > 59 || second > 59) return undefined;
  if (meridiem) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'PM' ? 12 : 0);
  } else if (hour > 23) {
    return undefined;
  }
  return { hour, minute, second };
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Every UTC instant (ascending) whose wall clock in `zone` is the given local time. */
export function utcCandidates(date: string, clock: ClockTime, zone: string): number[] {
  const d = DATE.exec(date);
  if (!d) return [];
  const asUtc = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), clock.hour, clock.minute, clock.second);
  // 2024-02-30 would roll over to March 1st: an impossible date has no instant at all.
  if (new Date(asUtc).getUTCDate() !== Number(d[3])) return [];
  const z = IANAZone.create(zone);
  // The offsets in force a few hours either side cover both sides of any DST change.
  const offsets = new Set([z.offset(asUtc - 6 * 3600_000), z.offset(asUtc), z.offset(asUtc + 6 * 3600_000)]);
  const out: number[] = [];
  for (const o of offsets) {
    const t = asUtc - o * 60_000;
    if (z.offset(t) === o) out.push(t);
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

/**
 * Resolves the local times of ONE file (one station, one day) in file order. Create one
 * per file: it remembers whether the local time has already gone backwards (the autumn
 * repeat) so ambiguous times after that point get the later (winter) instant.
 */
export class LocalTimeResolver {
  private lastSeconds: number | undefined;
  private wentBack = false;

  constructor(private readonly zone: string) {}

  resolve(date: string, rawTime: string): TimeOutcome {
    if (!isValidZone(this.zone)) return { ok: false, rule: 'time_zone', message: `unknown IANA time zone "${this.zone}"` };
    const clock = parseClockTime(rawTime);
    if (!clock) return { ok: false, rule: 'time_format', message: `not a clock time: "${rawTime}" (expected e.g. "12:04 AM")` };
    if (!DATE.test(date)) return { ok: false, rule: 'time_format', message: `no usable date for the time "${rawTime}" (got "${date}")` };
    const seconds = clock.hour * 3600 + clock.minute * 60 + clock.second;
    if (this.lastSeconds !== undefined && seconds <= this.lastSeconds) this.wentBack = true;
    this.lastSeconds = seconds;
    const candidates = utcCandidates(date, clock, this.zone);
    if (candidates.length === 0) {
      return { ok: false, rule: 'dst_gap', message: `${date} ${rawTime} does not exist in ${this.zone} (clocks went forward)` };
    }
    const t = candidates.length > 1 && this.wentBack ? candidates[candidates.length - 1]! : candidates[0]!;
    return { ok: true, utc: new Date(t) };
  }
}
