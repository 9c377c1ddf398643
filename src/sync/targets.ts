import { configPath, type PipelineConfig } from '../config/load.js';
import type { StreamConfig } from '../config/streams.js';
import { compileValidator, loadSchema } from '../model/schema.js';
import { isMappingFile, loadMapping } from '../transform/declarative/load.js';
import { streamMapper } from '../transform/mapper.js';
import type { ColumnType } from '../config/streams.js';
import type { StreamTarget } from './stream-target.js';

/**
 * The columns drift is checked against: the stream's own `expected_columns` (with types), else
 * those its mapping declaration lists (names only: any type).
 */
function expectedColumnsOf(s: StreamConfig, baseDir: string): Record<string, ColumnType> | undefined {
  if (s.expected_columns) return s.expected_columns;
  if (typeof s.mapping === 'string' && !isMappingFile(s.mapping)) return undefined;
  const names = loadMapping(s.mapping, baseDir).mapping?.expectedColumns;
  return names?.length ? Object.fromEntries(names.map((n) => [n, 'any' as const])) : undefined;
}

/** A configured stream → the engine's StreamTarget (schema loaded and compiled, a fresh mapper). */
export function targetOf(config: PipelineConfig, s: StreamConfig, sourceStream: string): StreamTarget {
  const schema = s.destination.schema ? loadSchema(configPath(config, s.destination.schema)) : undefined;
  const expected = expectedColumnsOf(s, config.baseDir);
  return {
    name: s.name,
    sourceStream,
    collection: s.destination.collection,
    ...(schema ? { schema, validator: compileValidator(schema) } : {}),
    mapper: streamMapper(s.mapping, config.baseDir, s.name),
    syncMode: s.sync_mode,
    destinationSyncMode: s.destination_sync_mode,
    ...(s.destination.primary_key ? { primaryKey: s.destination.primary_key } : {}),
    ...(s.cursor_field ? { cursorField: s.cursor_field } : {}),
    indexes: s.destination.indexes,
    batchSize: s.batch_size,
    ...(expected ? { drift: { expected, policy: s.drift } } : {}),
  };
}
