import jsonata from 'jsonata';
import { cleanText } from '../../common/text.js';
import { compileReader, type Reader } from './columns.js';
import { PARSE_FACTORIES, type Parse } from './parses.js';
import { PARSES, type FieldDeclaration, type MappingDeclaration, type ParseName } from './spec.js';
import { compileConversion, type Conversion } from './units.js';

/**
 * A mapping declaration → checked, compiled field programs. Everything that can be wrong
 * in a declaration (unknown parse, unknown unit, a JSONata syntax error, a field mapped
 * twice, a lookup into a missing table) is found HERE, at config load, as a list of
 * problems naming the field; the caller turns them into one exit-2 message.
 */

export const DEFAULT_EMPTY = ['', '-', '--', '---', 'n/a', 'na', 'null', 'none'];

export interface FieldProgram {
  /** Target field (dot path → nested object). */
  target: string;
  read?: Reader;
  /** The source columns `read` looks at. */
  columns: string[];
  constant?: unknown;
  compute?: jsonata.Expression;
  empty: Set<string>;
  default: unknown;
  required: boolean;
  parseName?: ParseName;
  /** A fresh parse (own state) for each mapper instance. */
  newParse?: () => Parse;
  rejectAs?: string;
  lookup?: { table: Map<string, Record<string, unknown>>; name: string; column?: string };
  convert?: Conversion;
  round?: number;
}

export interface CompiledMapping {
  source?: string;
  loose: boolean;
  keepUnmapped: boolean;
  fields: FieldProgram[];
  /** Source columns the fields read (for keep_unmapped: which not to copy twice). */
  readColumns: Set<string>;
  async: boolean;
  primaryKey?: string[];
  cursor?: string;
  expectedColumns?: string[];
}

/** Reference tables by name, rows keyed by their key column (as text). */
export type ReferenceData = Record<string, Map<string, Record<string, unknown>>>;

function entries(fields: MappingDeclaration['fields'], problems: string[]): Array<[string, FieldDeclaration]> {
  const list: Array<[string, FieldDeclaration]> = Array.isArray(fields)
    ? fields.map(({ field, ...d }) => [field, d])
    : Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? { parse: v as ParseName } : v]);
  const seen = new Set<string>();
  for (const [name] of list) {
    if (seen.has(name)) problems.push(`fields.${name}: mapped twice`);
    for (const other of seen) {
      if (name.startsWith(`${other}.`) || other.startsWith(`${name}.`)) problems.push(`fields.${name}: overlaps fields.${other} (one is inside the other)`);
    }
    seen.add(name);
  }
  return list;
}

function compileField(name: string, d: FieldDeclaration, refs: ReferenceData, defaultEmpty: string[], problems: string[]): FieldProgram {
  const at = (msg: string): void => void problems.push(`fields.${name}: ${msg}`);
  const kinds = [d.from !== undefined, d.const !== undefined, d.compute !== undefined].filter(Boolean).length;
  if (kinds > 1) at('give only one of `from`, `const`, `compute`');
  const columns = d.const !== undefined || d.compute !== undefined ? [] : d.from === undefined ? [name] : Array.isArray(d.from) ? d.from : [d.from];
  const p: FieldProgram = {
    target: name,
    columns,
    empty: new Set((d.empty ?? defaultEmpty).map((s) => cleanText(s).toLowerCase())),
    default: d.default ?? null,
    required: d.required ?? false,
    ...(d.reject_as ? { rejectAs: d.reject_as } : {}),
    ...(d.round !== undefined ? { round: d.round } : {}),
  };
  if (d.const !== undefined) p.constant = d.const;
  else if (d.compute !== undefined) {
    try {
      p.compute = jsonata(d.compute);
    } catch (e) {
      at(`bad JSONata expression "${d.compute}": ${(e as Error).message}`);
    }
  } else p.read = compileReader(columns);
  const parseName = d.parse ?? (p.read ? 'json' : undefined);
  if (parseName !== undefined) {
    const factory = PARSE_FACTORIES[parseName];
    if (!factory) at(`unknown parse "${parseName}" (expected one of ${PARSES.join(', ')})`);
    else {
      const sub: string[] = [];
      factory(d, sub);
      for (const s of sub) at(s);
      p.parseName = parseName;
      p.newParse = () => factory(d, []);
    }
  }
  if (d.lookup) {
    const table = refs[d.lookup.table];
    if (!table) at(`lookup into unknown reference table "${d.lookup.table}" (declare it under reference:)`);
    else p.lookup = { table, name: d.lookup.table, ...(d.lookup.column ? { column: d.lookup.column } : {}) };
  }
  if (d.convert) {
    if (parseName !== undefined && parseName !== 'number' && parseName !== 'integer' && parseName !== 'json') at(`convert needs a number, not parse ${parseName}`);
    const c = compileConversion(d.convert.from, d.convert.to);
    if ('problem' in c) at(`unknown unit or conversion: ${c.problem}`);
    else p.convert = c;
  }
  return p;
}

/** Compile a declaration; problems (empty when fine) name the field and what is wrong. */
export function compileMapping(decl: MappingDeclaration, refs: ReferenceData): { mapping: CompiledMapping; problems: string[] } {
  const problems: string[] = [];
  const defaultEmpty = decl.empty ?? DEFAULT_EMPTY;
  const fields = entries(decl.fields, problems).map(([name, d]) => compileField(name, d, refs, defaultEmpty, problems));
  const targets = new Set(fields.map((f) => f.target));
  for (const [what, list] of [['primary_key', decl.primary_key ?? []], ['cursor', decl.cursor ? [decl.cursor] : []]] as const) {
    for (const f of list) if (!targets.has(f) && !f.startsWith('_proofline.')) problems.push(`${what}: "${f}" is not a mapped field`);
  }
  return {
    problems,
    mapping: {
      ...(decl.source ? { source: decl.source } : {}),
      loose: decl.match_columns === 'loose',
      keepUnmapped: decl.keep_unmapped ?? false,
      fields,
      readColumns: new Set(fields.flatMap((f) => f.columns)),
      async: fields.some((f) => f.compute),
      ...(decl.primary_key ? { primaryKey: decl.primary_key } : {}),
      ...(decl.cursor ? { cursor: decl.cursor } : {}),
      ...(decl.expected_columns ? { expectedColumns: decl.expected_columns } : {}),
    },
  };
}
