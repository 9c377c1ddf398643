import { DateTime, Info, type Zone } from 'luxon';
import { isValidZone } from '../../common/time.js';
import { LocalTimeResolver } from '../local-time.js';
import { cleanText } from '../../common/text.js';
import { numberParser } from '../numbers.js';
import type { FieldDeclaration, ParseName } from './spec.js';

/**
 * One function per `parse:` of the mapping language. A parse gets a NON-empty cell (the
 * empty case is handled before, by `default`/`required`) and returns the typed value or a
 * failure whose `rule` is the reject kind the quarantine records (number_format,
 * time_format, dst_gap …). Parses that keep state (local_time's DST order) are created
 * afresh for every mapper instance, i.e. once per stream per run.
 */

export type ParseResult = { ok: true; value: unknown } | { ok: false; rule: string; message: string };
/** `record` is the raw source record (for date_from/zone_from), `file` where it came from. */
export type Parse = (value: unknown, record: Record<string, unknown>, file: string) => ParseResult;
type Factory = (d: FieldDeclaration, problems: string[]) => Parse;

const fail = (rule: string, message: string): ParseResult => ({ ok: false, rule, message });

const text: Factory = () => (v) => ({ ok: true, value: typeof v === 'string' ? v.trim() : typeof v === 'object' ? JSON.stringify(v) : String(v) });

const json: Factory = () => (v) => ({ ok: true, value: v });

const number: Factory = (d) => {
  const read = numberParser(d.units_in_cell ?? []);
  return (v) => {
    const r = read(v);
    return r.ok ? { ok: true, value: r.value } : fail('number_format', r.message);
  };
};

const integer: Factory = (d) => {
  const n = number(d, []);
  return (v, rec, file) => {
    const r = n(v, rec, file);
    if (r.ok && typeof r.value === 'number' && !Number.isInteger(r.value)) return fail('integer_format', `not a whole number: ${r.value}`);
    return r;
  };
};

const TRUE = ['true', 'yes', 'y', '1', 'on', 'oui', 'ja', 'x'];
const FALSE = ['false', 'no', 'n', '0', 'off', 'non', 'nein'];
const boolean: Factory = (d) => {
  const yes = new Set([...TRUE, ...(d.true_values ?? [])].map((s) => s.toLowerCase()));
  const no = new Set([...FALSE, ...(d.false_values ?? [])].map((s) => s.toLowerCase()));
  return (v) => {
    if (typeof v === 'boolean') return { ok: true, value: v };
    const key = cleanText(String(v)).toLowerCase();
    if (yes.has(key)) return { ok: true, value: true };
    if (no.has(key)) return { ok: true, value: false };
    return fail('boolean_format', `not a yes/no value: "${String(v)}"`);
  };
};

/** enum: the cell, normalised as declared, looked up in `values`. */
const enumeration: Factory = (d, problems) => {
  if (!d.values || Object.keys(d.values).length === 0) problems.push('parse enum needs `values` (cell text → target value)');
  const insensitive = d.case_insensitive ?? true;
  const drop = d.ignore_chars ? new RegExp(`[${d.ignore_chars.replace(/[\\\]^-]/g, '\\$&')}]`, 'g') : undefined;
  const norm = (s: string): string => {
    const t = drop ? cleanText(s).replace(drop, '') : cleanText(s);
    return insensitive ? t.toUpperCase() : t;
  };
  const table = new Map(Object.entries(d.values ?? {}).map(([k, v]) => [norm(k), v]));
  return (v) => {
    const key = norm(String(v));
    return table.has(key) ? { ok: true, value: table.get(key) } : fail('enum_format', `not one of the listed values: "${cleanText(String(v))}"`);
  };
};

function formats(d: FieldDeclaration, fallback: string[]): string[] {
  return d.format === undefined ? fallback : Array.isArray(d.format) ? d.format : [d.format];
}

type DateTimeReader = (text: string, zone: Zone | string) => DateTime;

/**
 * One reader per declared format, compiled once per mapping: Luxon's fromFormat re-reads
 * its format string on every call, which made date parsing the mapping's hot spot.
 */
function dateTimeReaders(fmts: string[]): DateTimeReader[] {
  return fmts.map((f): DateTimeReader => {
    if (f === 'iso') return (t, zone) => DateTime.fromISO(t, { zone });
    const parser = DateTime.buildFormatParser(f, { locale: 'en-US' });
    return (t, zone) => DateTime.fromFormatParser(t, parser, { zone });
  });
}

function readDateTime(textValue: string, readers: DateTimeReader[], zone: Zone | string): DateTime | undefined {
  for (const read of readers) {
    const dt = read(textValue, zone);
    if (dt.isValid) return dt;
  }
  return undefined;
}

/** datetime: an instant written in a fixed zone (default UTC) with explicit format(s). */
const datetime: Factory = (d, problems) => {
  const zone = d.zone ?? 'UTC';
  if (!isValidZone(zone)) problems.push(`unknown time zone "${zone}"`);
  const fmts = formats(d, ['iso']);
  // Resolved once: naming the zone on every call costs Luxon a lookup per record.
  const z = isValidZone(zone) ? Info.normalizeZone(zone) : zone;
  const readers = dateTimeReaders(fmts);
  return (v) => {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? fail('time_format', 'invalid date') : { ok: true, value: v };
    if (typeof v !== 'string') return fail('time_format', `expected a date-time text (${fmts.join(' or ')}), got ${typeof v}`);
    const dt = readDateTime(v.trim(), readers, z);
    return dt ? { ok: true, value: dt.toJSDate() } : fail('time_format', `expected ${fmts.map((f) => `"${f}"`).join(' or ')} (${zone})`);
  };
};

function field(record: Record<string, unknown>, name: string | undefined): string {
  const v = name === undefined ? undefined : record[name];
  return typeof v === 'string' ? v : '';
}

/**
 * local_time: a wall-clock time in an IANA zone → UTC, with the DST policy of
 * local-time.ts (autumn's repeated hour by order within one file, spring's gap rejected as
 * dst_gap). The cell holds a clock time whose date is in `date_from`, or a whole local
 * date-time read with `format`. The order state restarts whenever file, date or zone change.
 */
const localTime: Factory = (d, problems) => {
  if (d.zone === undefined && d.zone_from === undefined) problems.push('parse local_time needs `zone` or `zone_from`');
  if (d.zone !== undefined && !isValidZone(d.zone)) problems.push(`unknown time zone "${d.zone}"`);
  if (d.date_from === undefined && d.format === undefined) problems.push('parse local_time needs `date_from` (cell is a clock time) or `format` (cell is a date-time)');
  const fmts = formats(d, []);
  const readers = dateTimeReaders(fmts);
  let scope: string | undefined;
  let resolver: LocalTimeResolver | undefined;
  return (v, rec, file) => {
    const zone = d.zone ?? field(rec, d.zone_from);
    let date = field(rec, d.date_from);
    let clock = cleanText(String(v));
    if (d.date_from === undefined) {
      const dt = readDateTime(clock, readers, 'UTC');
      if (!dt) return fail('time_format', `expected ${fmts.map((f) => `"${f}"`).join(' or ')}: "${clock}"`);
      date = dt.toISODate()!;
      clock = dt.toFormat('HH:mm:ss');
    }
    const key = `${file}|${date}|${zone}`;
    if (key !== scope || !resolver) {
      scope = key;
      resolver = new LocalTimeResolver(zone);
    }
    const t = resolver.resolve(date, clock);
    return t.ok ? { ok: true, value: t.utc } : fail(t.rule, t.message);
  };
};

export const PARSE_FACTORIES: Readonly<Record<ParseName, Factory>> = Object.freeze({
  text,
  json,
  number,
  integer,
  boolean,
  enum: enumeration,
  datetime,
  local_time: localTime,
});

/** Parses whose empty required cell is a time_format reject (a missing time is a bad time). */
export const TIME_PARSES: ReadonlySet<string> = new Set(['datetime', 'local_time']);
