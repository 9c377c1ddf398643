import type { FieldDeclaration, MappingDeclaration, ParseName } from '../transform/declarative/spec.js';
import type { ParseGuess } from './column-guess.js';

/**
 * The mapping `proofline init` writes for a stream: every sampled column mapped to itself
 * with the parse its values suggest, so the first sync stores numbers, booleans and
 * instants, not the text a CSV holds. Local date-times are read in the zone init was given
 * (or this machine's), with the DST policy of the mapping language.
 */

export interface GuessedColumn {
  name: string;
  /** The JSON type the source delivers (CSV: always string). */
  type: string;
  parse: ParseGuess;
}

export function fieldDeclaration(c: GuessedColumn, zone: string): FieldDeclaration | ParseName {
  const p = c.parse;
  switch (p.parse) {
    case 'integer':
    case 'boolean':
      return p.parse;
    case 'number':
      return p.unit ? { parse: 'number', units_in_cell: [p.unit] } : 'number';
    case 'datetime':
      return p.offset ? { parse: 'datetime', format: p.format } : { parse: 'local_time', format: p.format, zone };
    case 'text':
      // Objects and arrays (JSONL) stay as they are; text stays text.
      return c.type === 'object' || c.type === 'array' ? 'json' : 'text';
    case 'empty':
      return 'json';
  }
}

export function guessedMapping(columns: GuessedColumn[], zone: string): MappingDeclaration {
  return { fields: Object.fromEntries(columns.map((c) => [c.name, fieldDeclaration(c, zone)])) };
}

/** The JSON Schema type of what a guessed parse stores (instants are date-time text in the JSON view). */
export function storedType(c: GuessedColumn): Record<string, unknown> {
  switch (c.parse.parse) {
    case 'integer':
    case 'number':
    case 'boolean':
      return { type: c.parse.parse };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'text':
      return c.type === 'object' || c.type === 'array' ? { type: c.type } : { type: 'string' };
    case 'empty':
      return {};
  }
}
