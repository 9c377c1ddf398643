/**
 * Airbyte protocol v0 message types (../shared/specs/airbyte_protocol.v0.yaml).
 * Sources are async iterators of these; the sync engine and the destination consume them.
 */

export const MessageType = Object.freeze({
  RECORD: 'RECORD',
  STATE: 'STATE',
  LOG: 'LOG',
  SPEC: 'SPEC',
  CONNECTION_STATUS: 'CONNECTION_STATUS',
  CATALOG: 'CATALOG',
  TRACE: 'TRACE',
  CONTROL: 'CONTROL',
} as const);
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const SyncMode = Object.freeze({ FULL_REFRESH: 'full_refresh', INCREMENTAL: 'incremental' } as const);
export type SyncMode = (typeof SyncMode)[keyof typeof SyncMode];

export const DestinationSyncMode = Object.freeze({ APPEND: 'append', OVERWRITE: 'overwrite', APPEND_DEDUP: 'append_dedup' } as const);
export type DestinationSyncMode = (typeof DestinationSyncMode)[keyof typeof DestinationSyncMode];

export type JsonObject = Record<string, unknown>;

export interface StreamDescriptor {
  name: string;
  namespace?: string;
}

export interface AirbyteRecordMessage {
  stream: string;
  namespace?: string;
  data: JsonObject;
  /** Epoch milliseconds. */
  emitted_at: number;
  meta?: { changes?: Array<{ field: string; change: 'NULLED' | 'TRUNCATED'; reason: string }> };
}

export interface AirbyteStreamState {
  stream_descriptor: StreamDescriptor;
  stream_state?: JsonObject;
}

export interface AirbyteGlobalState {
  shared_state?: JsonObject;
  stream_states: AirbyteStreamState[];
}

export interface AirbyteStateMessage {
  type?: 'STREAM' | 'GLOBAL' | 'LEGACY';
  stream?: AirbyteStreamState;
  global?: AirbyteGlobalState;
  /** LEGACY state blob. */
  data?: JsonObject;
  sourceStats?: { recordCount?: number };
  destinationStats?: { recordCount?: number };
}

export const LogLevel = Object.freeze({ FATAL: 'FATAL', ERROR: 'ERROR', WARN: 'WARN', INFO: 'INFO', DEBUG: 'DEBUG', TRACE: 'TRACE' } as const);
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

export interface AirbyteLogMessage {
  level: LogLevel;
  message: string;
  stack_trace?: string;
}

export interface AirbyteErrorTraceMessage {
  message: string;
  internal_message?: string;
  stack_trace?: string;
  failure_type?: 'system_error' | 'config_error' | 'transient_error';
  stream_descriptor?: StreamDescriptor;
}

export interface AirbyteEstimateTraceMessage {
  name: string;
  type: 'STREAM' | 'SYNC';
  namespace?: string;
  row_estimate?: number;
  byte_estimate?: number;
}

export interface AirbyteStreamStatusTraceMessage {
  stream_descriptor: StreamDescriptor;
  status: 'STARTED' | 'RUNNING' | 'COMPLETE' | 'INCOMPLETE';
}

export interface AirbyteTraceMessage {
  type: 'ERROR' | 'ESTIMATE' | 'STREAM_STATUS' | 'ANALYTICS';
  /** Epoch milliseconds. */
  emitted_at: number;
  error?: AirbyteErrorTraceMessage;
  estimate?: AirbyteEstimateTraceMessage;
  stream_status?: AirbyteStreamStatusTraceMessage;
}

export interface AirbyteControlMessage {
  type: 'CONNECTOR_CONFIG';
  emitted_at: number;
  connectorConfig: { config: JsonObject };
}

export interface ConnectorSpecification {
  documentationUrl?: string;
  changelogUrl?: string;
  connectionSpecification: JsonObject;
  supportsIncremental?: boolean;
  supportsNormalization?: boolean;
  supportsDBT?: boolean;
  supported_destination_sync_modes?: DestinationSyncMode[];
  protocol_version?: string;
}

export interface AirbyteConnectionStatus {
  status: 'SUCCEEDED' | 'FAILED';
  message?: string;
}

export interface AirbyteStream {
  name: string;
  namespace?: string;
  json_schema: JsonObject;
  supported_sync_modes: SyncMode[];
  source_defined_cursor?: boolean;
  default_cursor_field?: string[];
  source_defined_primary_key?: string[][];
  is_resumable?: boolean;
}

export interface AirbyteCatalog {
  streams: AirbyteStream[];
}

export interface ConfiguredAirbyteStream {
  stream: AirbyteStream;
  sync_mode: SyncMode;
  destination_sync_mode: DestinationSyncMode;
  cursor_field?: string[];
  primary_key?: string[][];
  generation_id?: number;
  minimum_generation_id?: number;
  sync_id?: number;
}

export interface ConfiguredAirbyteCatalog {
  streams: ConfiguredAirbyteStream[];
}

export type AirbyteMessage =
  | { type: 'RECORD'; record: AirbyteRecordMessage }
  | { type: 'STATE'; state: AirbyteStateMessage }
  | { type: 'LOG'; log: AirbyteLogMessage }
  | { type: 'TRACE'; trace: AirbyteTraceMessage }
  | { type: 'SPEC'; spec: ConnectorSpecification }
  | { type: 'CONNECTION_STATUS'; connectionStatus: AirbyteConnectionStatus }
  | { type: 'CATALOG'; catalog: AirbyteCatalog }
  | { type: 'CONTROL'; control: AirbyteControlMessage };

export type RecordMessage = Extract<AirbyteMessage, { type: 'RECORD' }>;
export type StateMessage = Extract<AirbyteMessage, { type: 'STATE' }>;

export const recordMessage = (stream: string, data: JsonObject, emittedAt = Date.now()): RecordMessage => ({
  type: 'RECORD',
  record: { stream, data, emitted_at: emittedAt },
});

export const streamStateMessage = (stream: string, state: JsonObject): StateMessage => ({
  type: 'STATE',
  state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: state } },
});

export const logMessage = (level: LogLevel, message: string): AirbyteMessage => ({ type: 'LOG', log: { level, message } });
