/**
 * The mapping language as written in the pipeline config (inline under a stream's
 * `mapping:`, or in a YAML file it names). docs/mapping.md describes every key.
 */

export const PARSES = ['text', 'number', 'integer', 'boolean', 'enum', 'datetime', 'local_time', 'json'] as const;
export type ParseName = (typeof PARSES)[number];

export interface FieldDeclaration {
  /** Source field or dot path; a list means the first one present. */
  from?: string | string[];
  parse?: ParseName;
  /** A fixed value (no source field). */
  const?: unknown;
  /** A JSONata expression over the target document built so far (`$source` = raw record). */
  compute?: string;
  /** The value when the cell is empty (default null). */
  default?: unknown;
  /** What counts as empty for this field (overrides the mapping's `empty`). */
  empty?: string[];
  /** An empty cell rejects the record. */
  required?: boolean;
  /** The reject kind (rule) of a parse failure, when the parse's own name is not wanted. */
  reject_as?: string;
  /** number: unit texts allowed after the number in the cell (e.g. ["°F", "F"]). */
  units_in_cell?: string[];
  /** enum: value → target value. */
  values?: Record<string, unknown>;
  /** enum: compare case-insensitively (default true). */
  case_insensitive?: boolean;
  /** enum: characters removed before comparing (e.g. " ." for "N.N.E"). */
  ignore_chars?: string;
  /** boolean: extra texts meaning true / false. */
  true_values?: string[];
  false_values?: string[];
  /** datetime / local_time: Luxon format(s), or "iso". */
  format?: string | string[];
  /** datetime / local_time: IANA zone of the wall clock (datetime default UTC). */
  zone?: string;
  /** local_time: source field holding the zone. */
  zone_from?: string;
  /** local_time: source field holding the date (yyyy-MM-dd) when the cell only holds a clock time. */
  date_from?: string;
  /** Reference table lookup: the parsed value is the key. */
  lookup?: { table: string; column?: string };
  convert?: { from: string; to: string };
  round?: number;
}

export interface ReferenceTable {
  /** Rows inline, or a YAML/JSON file (relative to the mapping) holding a list of rows. */
  rows?: Record<string, unknown>[];
  file?: string;
  /** The column that identifies a row. */
  key: string;
}

export interface MappingDeclaration {
  /** `_proofline.source` of the documents (default: the record's source, else the stream). */
  source?: string;
  /** `loose`: source headers compared lower-case without spaces or punctuation. */
  match_columns?: 'exact' | 'loose';
  /** Texts that mean "no value" (compared after trimming, case-insensitively). */
  empty?: string[];
  /** Keep source fields no declaration names (typed pass-through). Default false. */
  keep_unmapped?: boolean;
  primary_key?: string[];
  cursor?: string;
  /** The source columns this mapping expects (read by drift detection). */
  expected_columns?: string[];
  reference?: Record<string, ReferenceTable>;
  /** Target field → declaration, or → a parse name (the source column of the same name). */
  fields: Record<string, FieldDeclaration | ParseName> | Array<FieldDeclaration & { field: string }>;
}

const stringList = { type: 'array', items: { type: 'string' } } as const;
const fieldDecl = {
  type: 'object',
  additionalProperties: false,
  properties: {
    field: { type: 'string', minLength: 1 },
    from: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }] },
    parse: { type: 'string' },
    const: {},
    compute: { type: 'string' },
    default: {},
    empty: stringList,
    required: { type: 'boolean' },
    reject_as: { type: 'string', minLength: 1 },
    units_in_cell: stringList,
    values: { type: 'object' },
    case_insensitive: { type: 'boolean' },
    ignore_chars: { type: 'string' },
    true_values: stringList,
    false_values: stringList,
    format: { anyOf: [{ type: 'string' }, stringList] },
    zone: { type: 'string' },
    zone_from: { type: 'string' },
    date_from: { type: 'string' },
    lookup: { type: 'object', additionalProperties: false, required: ['table'], properties: { table: { type: 'string' }, column: { type: 'string' } } },
    convert: { type: 'object', additionalProperties: false, required: ['from', 'to'], properties: { from: { type: 'string' }, to: { type: 'string' } } },
    round: { type: 'integer', minimum: 0, maximum: 15 },
  },
} as const;

/** JSON Schema of a mapping declaration (shape only; meaning is checked by compileMapping). */
export const mappingDeclarationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['fields'],
  properties: {
    source: { type: 'string', minLength: 1 },
    match_columns: { enum: ['exact', 'loose'] },
    empty: stringList,
    keep_unmapped: { type: 'boolean' },
    primary_key: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
    cursor: { type: 'string', minLength: 1 },
    expected_columns: stringList,
    reference: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['key'],
        properties: { rows: { type: 'array', items: { type: 'object' } }, file: { type: 'string' }, key: { type: 'string' } },
      },
    },
    fields: {
      anyOf: [
        { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, fieldDecl] } },
        { type: 'array', items: { ...fieldDecl, required: ['field'] } },
      ],
    },
  },
} as const;
