/**
 * Which station and day an export file covers. The date comes from the file's content
 * when it has one (a title row above the header such as "ILAMAD25 — 2024-10-27", or a
 * `Date` column), else from the name (`ILAMAD25_2024-10-27.xlsx`); the station from the
 * name, else from the config when it lists a single station.
 */

const NAME = /^([A-Za-z0-9]+)[_-](\d{4}-\d{2}-\d{2})/;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/;
const US_DATE = /\b(\d{1,2})\/(\d{1,2})\/(\d{4})\b/;

export function fromFileName(name: string): { station?: string; date?: string } {
  const base = name.split('/').pop() ?? name;
  const m = NAME.exec(base);
  if (m) return { station: m[1]!.toUpperCase(), date: m[2]! };
  const d = ISO_DATE.exec(base);
  return d ? { date: d[0] } : {};
}

/** A calendar date written in free text ("2024-10-27", "10/27/2024"), as YYYY-MM-DD. */
export function dateInText(text: string): string | undefined {
  const iso = ISO_DATE.exec(text);
  if (iso) return iso[0];
  const us = US_DATE.exec(text);
  if (us) return `${us[3]}-${us[1]!.padStart(2, '0')}-${us[2]!.padStart(2, '0')}`;
  return undefined;
}

/** Whether YYYY-MM-DD is a day of the calendar (2024-02-30 is not: Date would roll it to March 1st). */
export function isRealDate(date: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}
