/**
 * What `proofline init` guesses about one column from its sampled values: the JSON type the
 * source delivers, and the parse a CSV cell (always text) most likely needs. init writes
 * the guesses as the stream's mapping (guessed-mapping.ts), with comments to confirm them.
 */

export type ParseGuess =
  | { parse: 'integer' }
  | { parse: 'number'; decimal: '.' | ','; unit?: string }
  | { parse: 'boolean' }
  | { parse: 'datetime'; offset: boolean; format: string }
  | { parse: 'text' }
  | { parse: 'empty' };

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^([+-]?\d+(?:([.,])\d+)?)\s*([^\d\s.,+-][^\d]*)?$/;
const BOOLEAN = /^(true|false|yes|no|oui|non)$/i;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const DATE_DMY = /^(\d{2})\/(\d{2})\/(\d{4})[ T](\d{2}):(\d{2})(?::\d{2})?$/;

/** The Luxon token reading a written UTC offset: "Z", "+01:00" or "+0100". */
function offsetToken(offset: string | undefined): string {
  if (!offset) return '';
  if (offset === 'Z') return "'Z'";
  return offset.includes(':') ? 'ZZ' : 'ZZZ';
}

function guessOne(v: string): ParseGuess {
  const t = v.trim();
  if (t === '') return { parse: 'empty' };
  if (INTEGER.test(t)) return { parse: 'integer' };
  const n = NUMBER.exec(t);
  if (n) return { parse: 'number', decimal: n[2] === ',' ? ',' : '.', ...(n[3] ? { unit: n[3].trim() } : {}) };
  if (BOOLEAN.test(t)) return { parse: 'boolean' };
  const d = DATETIME.exec(t);
  if (d) {
    // ISO 8601 proper (a T) is read as such; "2024-03-01 10:00:00+01:00" needs a Luxon format.
    if (t.charAt(10) === 'T') return { parse: 'datetime', offset: Boolean(d[7]), format: 'iso' };
    return { parse: 'datetime', offset: Boolean(d[7]), format: `yyyy-MM-dd HH:mm${d[6] ? ':ss' : ''}${offsetToken(d[7])}` };
  }
  if (DATE_DMY.test(t)) return { parse: 'datetime', offset: false, format: 'dd/MM/yyyy HH:mm' };
  return { parse: 'text' };
}

export interface ColumnGuess {
  name: string;
  /** JSON types seen (null for empty/absent values left out). */
  types: string[];
  parse: ParseGuess;
  /** Sampled values that do not fit the guess (e.g. "abc" in a number column). */
  misfits: string[];
  /** How many sampled records had a non-empty value. */
  filled: number;
  distinct: number;
}

/** The guess that fits most non-empty text values; numbers win over integers when both occur. */
export function guessTextColumn(values: string[]): { parse: ParseGuess; misfits: string[] } {
  const guesses = values.map((v) => ({ v, g: guessOne(v) })).filter((x) => x.g.parse !== 'empty');
  if (!guesses.length) return { parse: { parse: 'empty' }, misfits: [] };
  const kinds = new Map<string, number>();
  for (const { g } of guesses) {
    const k = g.parse === 'integer' ? 'number' : g.parse;
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const [best] = [...kinds.entries()].sort((a, b) => b[1] - a[1])[0]!;
  const fits = (g: ParseGuess): boolean => (best === 'number' ? g.parse === 'number' || g.parse === 'integer' : g.parse === best);
  const misfits = guesses.filter((x) => !fits(x.g)).map((x) => x.v);
  const fitting = guesses.filter((x) => fits(x.g)).map((x) => x.g);
  if (best !== 'number') return { parse: fitting[0]!, misfits };
  const numbers = fitting.filter((g): g is Extract<ParseGuess, { parse: 'number' }> => g.parse === 'number');
  if (!numbers.length) return { parse: { parse: 'integer' }, misfits };
  const decimal = numbers.some((g) => g.decimal === ',') ? ',' : '.';
  const unit = numbers.find((g) => g.unit)?.unit;
  return { parse: { parse: 'number', decimal, ...(unit ? { unit } : {}) }, misfits };
}

export function describeParse(p: ParseGuess): string {
  switch (p.parse) {
    case 'number':
      return `number${p.decimal === ',' ? ' with a decimal comma' : ''}${p.unit ? `, unit "${p.unit}" in the cells` : ''}`;
    case 'datetime':
      return p.offset ? 'date-time with a UTC offset' : `local date-time (${p.format})`;
    case 'empty':
      return 'always empty in the sample: type unknown';
    default:
      return p.parse;
  }
}
