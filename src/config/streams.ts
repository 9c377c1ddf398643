import { ConfigError } from '../errors.js';
import type { JsonObject } from '../protocol/messages.js';

/**
 * `streams:` — what to ingest. Owned by the ingestion engine (src/sync). Each stream reads
 * one stream of one source, maps it, validates it against the target schema and writes it
 * into one collection with an Airbyte sync mode. Loading checks the shape; the source block
 * against its connector's spec and the mapping against the mapping language are checked by
 * sync/check-streams.ts before a sync runs (so loading a config loads no connector).
 */

/** What a run does when the source delivers columns the stream does not expect (sync/schema-drift.ts). */
export const DRIFT_POLICIES = Object.freeze(['warn', 'fail', 'quarantine'] as const);
export type DriftPolicy = (typeof DRIFT_POLICIES)[number];
/** The JSON type an expected source column arrives with (`any`: not checked). */
export const COLUMN_TYPES = Object.freeze(['string', 'number', 'integer', 'boolean', 'object', 'array', 'any'] as const);
export type ColumnType = (typeof COLUMN_TYPES)[number];
/** A stream's `mapping:`: `identity`, a mapping file, or an inline declaration (docs/mapping.md). */
export type MappingSpec = string | Record<string, unknown>;

export interface StreamDestination {
  collection: string;
  /** Target JSON Schema file, relative to the config file. */
  schema?: string;
  /** Fields (dot paths) that identify a document: unique index, dedup key. */
  primary_key?: string[];
  /** Extra (non-unique) indexes, each a list of fields, ascending. */
  indexes: string[][];
}

export interface StreamConfig {
  name: string;
  source: { type: string } & JsonObject;
  /** Which of the source's streams to read; default: the source's only stream, or `name`. */
  source_stream?: string;
  /** A built-in mapper's name, a mapping file (.yaml/.yml/.json) or an inline declaration (docs/mapping.md). */
  mapping: MappingSpec;
  destination: StreamDestination;
  sync_mode: 'full_refresh' | 'incremental';
  destination_sync_mode: 'overwrite' | 'append' | 'append_dedup';
  /** Field (dot path) of the mapped document deciding which version is newest (append_dedup). */
  cursor_field?: string;
  batch_size: number;
  /** Fail the run (exit 1) when rejected/read exceeds this rate; unset = never. */
  max_reject_rate?: number;
  /** Source columns the stream expects (column → JSON type or `any`): each run reports drift against them. */
  expected_columns?: Record<string, ColumnType>;
  /** What schema drift does (sync/schema-drift.ts): warn (default), fail the run, or quarantine the records. */
  drift: DriftPolicy;
}

const fieldName = { type: 'string', minLength: 1, pattern: '^[^$\\s][^\\s]*$', description: 'a field name or dot path' } as const;

export const streamsSchema = {
  type: 'array',
  default: [],
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'source', 'destination'],
    properties: {
      name: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_.-]+$', description: 'letters, digits, _ . or -' },
      source: { type: 'object', required: ['type'], properties: { type: { type: 'string', minLength: 1 } } },
      source_stream: { type: 'string', minLength: 1 },
      mapping: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'object' }], default: 'identity' },
      destination: {
        type: 'object',
        additionalProperties: false,
        required: ['collection'],
        properties: {
          collection: { type: 'string', minLength: 1, pattern: '^[A-Za-z0-9_-]+$', description: 'letters, digits, _ or - (no dots: they separate database and collection)' },
          schema: { type: 'string', minLength: 1 },
          primary_key: { type: 'array', items: fieldName, minItems: 1 },
          indexes: { type: 'array', items: { type: 'array', items: fieldName, minItems: 1 }, default: [] },
        },
      },
      sync_mode: { enum: ['full_refresh', 'incremental'], default: 'full_refresh' },
      destination_sync_mode: { enum: ['overwrite', 'append', 'append_dedup'], default: 'append' },
      cursor_field: fieldName,
      batch_size: { type: 'integer', minimum: 1, maximum: 100000, default: 1000 },
      max_reject_rate: { type: 'number', minimum: 0, maximum: 1 },
      expected_columns: { type: 'object', minProperties: 1, additionalProperties: { enum: [...COLUMN_TYPES] } },
      drift: { enum: [...DRIFT_POLICIES], default: 'warn' },
    },
  },
} as const;

/** Checks the schema cannot express: unique stream names, and the keys a sync mode needs. */
export function validateStreams(streams: StreamConfig[], file = 'config'): void {
  const problems: string[] = [];
  const names = new Set<string>();
  streams.forEach((s, i) => {
    const at = `streams[${i}]`;
    if (names.has(s.name)) problems.push(`${at}.name: "${s.name}" is used by another stream (names must be unique)`);
    names.add(s.name);
    if (s.destination_sync_mode === 'append_dedup' && !s.destination.primary_key) {
      problems.push(`${at}.destination.primary_key: is required when destination_sync_mode is append_dedup`);
    }
    if (s.destination_sync_mode === 'overwrite' && s.sync_mode !== 'full_refresh') {
      problems.push(`${at}.destination_sync_mode: overwrite needs sync_mode full_refresh (an incremental read does not carry the whole collection)`);
    }
  });
  if (problems.length) throw new ConfigError(`invalid config ${file}:\n  ${problems.join('\n  ')}`);
}
