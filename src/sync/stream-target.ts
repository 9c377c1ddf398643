import type { DocValidator } from '../model/schema.js';
import type { JsonSchema } from '../model/schema.js';
import type { StreamMapper } from '../transform/mapper.js';
import type { ColumnType, DriftPolicy } from './schema-drift.js';

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

export interface StreamCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Records of this run whose primary key another record of the same run won (see sync/in-run-duplicates.ts). */
  duplicate: number;
  rejected: number;
  /** Rejected records counted by failure rule (a record failing two rules counts once in each). */
  rejectedByKind: Record<string, number>;
}

export const emptyCounts = (): StreamCounts => ({ read: 0, inserted: 0, updated: 0, unchanged: 0, duplicate: 0, rejected: 0, rejectedByKind: {} });
