import { cleanText } from '../common/text.js';

/**
 * Numbers from noisy strings, as spreadsheet exports and JSON APIs deliver them:
 * `"56.8 °F"`, `"87\u00a0%"`, `"12,5"`, `""`, `null`. A value that is present but is not
 * a number (stray text such as `"n/a?"` or `"56.8 °X"`) is a failure, never a silent null:
 * the record is rejected with the raw value so nothing is lost.
 */

export type NumberOutcome = { ok: true; value: number | null } | { ok: false; message: string };

// Placeholders that mean "no reading" in exports.
const EMPTY_MARKERS = new Set(['', '-', '--', '---', 'n/a', 'na', 'null', 'none']);
const NUMBER = /^([+\-\u2212]?)(\d+(?:[.,]\d+)?|[.,]\d+)$/;

function normaliseUnit(unit: string): string {
  return cleanText(unit).toLowerCase().replace(/\s+/g, '');
}

/**
 * Parse a measurement. `units` lists the unit suffixes accepted for this column
 * (e.g. `['°F', 'F']`); a different suffix is a failure (it would mean another unit).
 * Numbers pass through; null/undefined/empty markers give null.
 */
export function parseNumber(raw: unknown, units: readonly string[] = []): NumberOutcome {
  return numberParser(units)(raw);
}

/** parseNumber with its accepted units read once, for a column parsed record after record. */
export function numberParser(units: readonly string[] = []): (raw: unknown) => NumberOutcome {
  const wanted = new Set(units.map(normaliseUnit));
  return (raw) => readNumber(raw, units, wanted);
}

function readNumber(raw: unknown, units: readonly string[], wanted: ReadonlySet<string>): NumberOutcome {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  if (typeof raw === 'number') return Number.isFinite(raw) ? { ok: true, value: raw } : { ok: false, message: `not a finite number: ${raw}` };
  if (typeof raw === 'boolean' || typeof raw === 'object') return { ok: false, message: `expected a number, got ${typeof raw}` };
  const text = cleanText(String(raw));
  if (EMPTY_MARKERS.has(text.toLowerCase())) return { ok: true, value: null };
  const m = /^([^\s°a-zA-Z%/²]*)\s*(.*)$/.exec(text);
  const numberPart = (m?.[1] ?? '').replace(/\s/g, '');
  const unitPart = m?.[2] ?? '';
  if (unitPart !== '') {
    if (!wanted.has(normaliseUnit(unitPart))) {
      return { ok: false, message: units.length ? `unexpected unit or text "${unitPart}" (expected ${units.join(' or ')})` : `unexpected text "${unitPart}"` };
    }
  }
  const n = NUMBER.exec(numberPart);
  if (!n) return { ok: false, message: `not a number: "${text}"` };
  const value = Number(n[2]!.replace(',', '.'));
  return { ok: true, value: n[1] ? -value : value };
}

/** Round half away from zero to `decimals` places; never returns -0. */
export function round(value: number, decimals = 2): number {
  const f = 10 ** decimals;
  // Number.EPSILON nudges halves like 1.005 to round as written, not as stored in binary.
  const r = Math.round((value + Math.sign(value) * Number.EPSILON) * f) / f;
  return Object.is(r, -0) ? 0 : r;
}
