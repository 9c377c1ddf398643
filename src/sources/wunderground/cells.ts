/**
 * exceljs cell values → plain strings/numbers. Exports mix plain strings, rich text,
 * formulas, hyperlinks and real Excel dates/times; the mapper wants text or numbers.
 */

export type Cell = string | number | null;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** An Excel time-of-day (a Date on 1899-12-30 UTC, or a day fraction) as "HH:mm:ss". */
export function excelTimeText(v: Date | number): string {
  const seconds = v instanceof Date ? Math.round((v.getTime() / 1000) % 86400) : Math.round((v % 1) * 86400);
  const s = ((seconds % 86400) + 86400) % 86400;
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

export function cellValue(v: unknown): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) {
    // A full date (not the 1899 epoch) stays ISO; a time-of-day becomes a clock string.
    return v.getUTCFullYear() <= 1900 ? excelTimeText(v) : v.toISOString();
  }
  if (typeof v === 'object') {
    const o = v as { richText?: Array<{ text?: string }>; text?: unknown; result?: unknown; error?: string };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text ?? '').join('');
    if ('result' in o) return cellValue(o.result);
    if (typeof o.text === 'string') return o.text;
    if (typeof o.error === 'string') return o.error;
  }
  return String(v);
}

export function cellText(v: Cell): string {
  return v === null ? '' : String(v);
}
