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

/** A JSON object (not null, not an array): what every message, payload and record `data` must be. */
export const isJsonObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

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

export const StateType = Object.freeze({ STREAM: 'STREAM', GLOBAL: 'GLOBAL', LEGACY: 'LEGACY' } as const);
export type StateType = (typeof StateType)[keyof typeof StateType];

export interface AirbyteStateStats {
  /** A double in the protocol (overflow-proof); always a whole number. */
  recordCount?: number;
  rejectedRecordCount?: number;
}

export interface AirbyteStateMessage {
  /** Absent means LEGACY (protocol rule). */
  type?: StateType;
  stream?: AirbyteStreamState;
  global?: AirbyteGlobalState;
  /** LEGACY state blob. */
  data?: JsonObject;
  sourceStats?: AirbyteStateStats;
  destinationStats?: AirbyteStateStats;
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

export const StreamStatus = Object.freeze({ STARTED: 'STARTED', RUNNING: 'RUNNING', COMPLETE: 'COMPLETE', INCOMPLETE: 'INCOMPLETE' } as const);
export type StreamStatus = (typeof StreamStatus)[keyof typeof StreamStatus];

export interface AirbyteStreamStatusTraceMessage {
  stream_descriptor: StreamDescriptor;
  status: StreamStatus;
  reasons?: Array<{ type: 'RATE_LIMITED'; rate_limited?: { quota_reset?: number } }>;
}

export interface AirbyteAnalyticsTraceMessage {
  type: string;
  value?: string;
}

export const TraceType = Object.freeze({ ERROR: 'ERROR', ESTIMATE: 'ESTIMATE', STREAM_STATUS: 'STREAM_STATUS', ANALYTICS: 'ANALYTICS' } as const);
export type TraceType = (typeof TraceType)[keyof typeof TraceType];

export interface AirbyteTraceMessage {
  type: TraceType;
  /** Epoch milliseconds. */
  emitted_at: number;
  error?: AirbyteErrorTraceMessage;
  estimate?: AirbyteEstimateTraceMessage;
  stream_status?: AirbyteStreamStatusTraceMessage;
  analytics?: AirbyteAnalyticsTraceMessage;
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
  is_file_based?: boolean;
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
  destination_object_name?: string;
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

export const MESSAGE_TYPES: ReadonlySet<string> = new Set(Object.values(MessageType));

export function isKnownMessageType(t: unknown): t is MessageType {
  return typeof t === 'string' && MESSAGE_TYPES.has(t);
}

/** `namespace.name` or `name`: the key streams, states and configured catalogs are matched on. */
export function streamKey(d: { name: string; namespace?: string | null }): string {
  return d.namespace ? `${d.namespace}.${d.name}` : d.name;
}

export const specMessage = (spec: ConnectorSpecification): AirbyteMessage => ({ type: 'SPEC', spec });

export const connectionStatusMessage = (status: 'SUCCEEDED' | 'FAILED', message?: string): AirbyteMessage => ({
  type: 'CONNECTION_STATUS',
  connectionStatus: message === undefined ? { status } : { status, message },
});

export const catalogMessage = (catalog: AirbyteCatalog): AirbyteMessage => ({ type: 'CATALOG', catalog });

export const globalStateMessage = (global: AirbyteGlobalState): StateMessage => ({ type: 'STATE', state: { type: 'GLOBAL', global } });

export const legacyStateMessage = (data: JsonObject): StateMessage => ({ type: 'STATE', state: { type: 'LEGACY', data } });

export type TraceMessage = Extract<AirbyteMessage, { type: 'TRACE' }>;

export const errorTraceMessage = (
  message: string,
  options: { internal?: string; stack?: string; failureType?: AirbyteErrorTraceMessage['failure_type']; stream?: StreamDescriptor } = {},
): TraceMessage => ({
  type: 'TRACE',
  trace: {
    type: 'ERROR',
    emitted_at: Date.now(),
    error: {
      message,
      ...(options.internal !== undefined && { internal_message: options.internal }),
      ...(options.stack !== undefined && { stack_trace: options.stack }),
      failure_type: options.failureType ?? 'system_error',
      ...(options.stream !== undefined && { stream_descriptor: options.stream }),
    },
  },
});

export const streamStatusMessage = (stream: StreamDescriptor, status: StreamStatus): TraceMessage => ({
  type: 'TRACE',
  trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: stream, status } },
});

export const estimateTraceMessage = (name: string, rows?: number, bytes?: number): TraceMessage => ({
  type: 'TRACE',
  trace: {
    type: 'ESTIMATE',
    emitted_at: Date.now(),
    estimate: { name, type: 'STREAM', ...(rows !== undefined && { row_estimate: rows }), ...(bytes !== undefined && { byte_estimate: bytes }) },
  },
});
