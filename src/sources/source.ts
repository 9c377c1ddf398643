import type { Logger } from '../common/logger.js';
import type {
  AirbyteMessage,
  AirbyteCatalog,
  AirbyteConnectionStatus,
  ConfiguredAirbyteCatalog,
  ConfiguredAirbyteStream,
  ConnectorSpecification,
  JsonObject,
} from '../protocol/messages.js';

/**
 * The source contract: every connector is an Airbyte-style source whose `read` is an
 * async iterator of RECORD / STATE / LOG messages. Records are RAW rows with lineage
 * (`_ab_source_file_url`, `_ab_source_file_row`) and any context the mapper needs under
 * `_pl_*`; a row that cannot be parsed is still a RECORD carrying `_proofline_error`, so
 * the engine accounts for it. A STREAM state follows each fully emitted file or payload.
 */

export interface ReadContext {
  baseDir: string;
  logger: Logger;
  signal?: AbortSignal;
}

export interface SourceConnector {
  readonly type: string;
  spec(): ConnectorSpecification;
  check(config: JsonObject, ctx: ReadContext): Promise<AirbyteConnectionStatus>;
  discover(config: JsonObject, ctx: ReadContext): Promise<AirbyteCatalog>;
  /** state: the saved per-stream state, keyed by stream name (opaque objects you emitted earlier). */
  read(config: JsonObject, catalog: ConfiguredAirbyteCatalog, state: Record<string, JsonObject>, ctx: ReadContext): AsyncIterable<AirbyteMessage>;
}

/** The configured entry for a stream, or undefined when the catalog does not select it. */
export function selectedStream(catalog: ConfiguredAirbyteCatalog, name: string): ConfiguredAirbyteStream | undefined {
  return catalog.streams.find((s) => s.stream.name === name);
}

/** The state to resume from: none for full_refresh (it re-reads everything by definition). */
export function resumeState(configured: ConfiguredAirbyteStream | undefined, state: Record<string, JsonObject>, name: string): JsonObject {
  if (!configured || configured.sync_mode !== 'incremental') return {};
  return state[name] ?? {};
}

/** The RECORD body for an input that could not even be parsed into a row. */
export function parseErrorData(where: string, row: number, message: string, raw?: string, field?: string): JsonObject {
  return rejectData(where, row, 'parse', message, raw, field);
}

/** The RECORD body for an input the source refuses, with the rule that refused it (docs/sources.md lists them). */
export function rejectData(where: string, row: number, rule: string, message: string, raw?: string, field?: string): JsonObject {
  const data: JsonObject = {
    _proofline_error: field === undefined ? { rule, message } : { rule, field, message },
    _ab_source_file_url: where,
    _ab_source_file_row: row,
  };
  // Keep enough of the raw input to diagnose, not a whole megabyte line.
  if (raw !== undefined) data._raw = raw.length > 2000 ? `${raw.slice(0, 2000)}…` : raw;
  return data;
}
