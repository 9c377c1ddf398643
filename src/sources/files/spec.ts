import { s3ConfigSchema } from '../s3-location.js';

/** The `files` source config: one folder (local or s3://bucket/prefix) of JSONL, CSV or Airbyte raw JSONL files → one stream. */
export const FILE_FORMATS = Object.freeze(['jsonl', 'csv', 'airbyte_jsonl'] as const);
export type FileFormat = (typeof FILE_FORMATS)[number];

export const filesConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'format'],
  properties: {
    type: { const: 'files' },
    path: { type: 'string', minLength: 1, description: 'folder of input files, relative to the config file, or s3://bucket/prefix' },
    s3: s3ConfigSchema,
    pattern: { type: 'string', minLength: 1, description: 'glob inside the folder (default *.jsonl, *.csv or *.jsonl by format)' },
    format: { enum: [...FILE_FORMATS], description: 'jsonl, csv, or airbyte_jsonl (records wrapped in _airbyte_data)' },
    stream: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$', description: 'the stream name these files feed (default: the folder name); a pipeline stream reads it whatever its name' },
    primary_key: { type: 'array', items: { type: 'string' }, description: 'fields identifying a record, for append_dedup' },
    cursor_field: { type: 'string', description: 'field ordering versions of a record, for append_dedup' },
    max_line_bytes: {
      type: 'integer',
      minimum: 1024,
      default: 32 * 1024 * 1024,
      description: 'longest JSONL line read (bytes); a longer one is rejected as too_large without being held in memory',
    },
    csv: {
      type: 'object',
      additionalProperties: false,
      properties: {
        delimiter: { type: 'string', minLength: 1, default: ',' },
        quote: { type: 'string', maxLength: 1, default: '"' },
        encoding: { enum: ['utf8', 'latin1', 'utf16le'], default: 'utf8' },
        bom: { type: 'boolean', default: true },
      },
      default: {},
    },
  },
} as const;
