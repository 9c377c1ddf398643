import type { DocValidator } from '../model/schema.js';
import type { JsonSchema } from '../model/schema.js';
import type { StreamMapper } from '../transform/mapper.js';
import type { ColumnType, DriftPolicy } from '../config/streams.js';

/** One configured stream as the engine sees it (built from the config, or from a destination catalog). */
export interface StreamTarget {
  /** Name in reports, state and quarantine. */
  name: string;
  /** Name the incoming RECORD/STATE messages carry. */
  sourceStream: string;
  collection: string;
  schema?: JsonSchema;
  validator?: DocValidator;
  mapper: StreamMapper;
  syncMode: 'full_refresh' | 'incremental';
  destinationSyncMode: 'overwrite' | 'append' | 'append_dedup';
  primaryKey?: string[];
  cursorField?: string;
  indexes: string[][];
  batchSize: number;
  /** Columns the source should deliver, and what drift from them does (absent: not checked). */
  drift?: { expected: Readonly<Record<string, ColumnType>>; policy: DriftPolicy };
}

