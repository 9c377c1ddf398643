import { DateTime, IANAZone } from 'luxon';

/** Time zone names and UTC timestamps, as sources and mappings read them (Luxon). */

const zoneValidity = new Map<string, boolean>();

/** Whether `zone` is an IANA zone; remembered, since Luxon asks Intl afresh on every call (a third of a mapping's time). */
export function isValidZone(zone: string): boolean {
  let valid = zoneValidity.get(zone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(zone);
    if (zoneValidity.size < 1000) zoneValidity.set(zone, valid);
  }
  return valid;
}

/** "2024-10-05 00:00:00" or ISO 8601, read as UTC; undefined when unparseable. */
export function parseUtcTimestamp(raw: unknown): Date | undefined {
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? undefined : raw;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  let dt = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone: 'utc' });
  if (!dt.isValid) dt = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone: 'utc' });
  if (!dt.isValid) dt = DateTime.fromISO(text, { zone: 'utc' });
  return dt.isValid ? dt.toJSDate() : undefined;
}
