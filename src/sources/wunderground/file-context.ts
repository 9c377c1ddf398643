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
