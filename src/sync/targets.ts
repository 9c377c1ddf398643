import { configPath, type PipelineConfig } from '../config/load.js';
import type { StreamConfig } from '../config/streams.js';
import { compileValidator, loadSchema } from '../model/schema.js';
import { streamMapper } from '../transform/mapper.js';
import type { StreamTarget } from './stream-target.js';

/** A configured stream → the engine's StreamTarget (schema loaded and compiled, a fresh mapper). */
export function targetOf(config: PipelineConfig, s: StreamConfig, sourceStream: string): StreamTarget {
  const schema = s.destination.schema ? loadSchema(configPath(config, s.destination.schema)) : undefined;
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
    ...(s.expected_columns ? { drift: { expected: s.expected_columns, policy: s.drift } } : {}),
  };
}
