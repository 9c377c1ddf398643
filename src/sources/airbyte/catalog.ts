import { ConfigError } from '../../errors.js';
import {
  streamKey,
  type AirbyteCatalog,
  type AirbyteStateMessage,
  type AirbyteStream,
  type ConfiguredAirbyteCatalog,
  type ConfiguredAirbyteStream,
  type JsonObject,
} from '../../protocol/messages.js';
import type { AirbyteStreamSelection } from './config.js';

/**
 * Builds the configured catalog an external connector reads with, from what it
 * discovered and what the pipeline asks for, following Airbyte's rules: a source-defined
 * cursor or primary key wins over the user's; incremental needs a cursor; the mode must be
 * one the stream supports. Mistakes are ConfigErrors naming the stream and the fix.
 */

/** Plain data: the parts of a configured stream the pipeline decides (no json_schema). */
export type StreamRequest = AirbyteStreamSelection & Partial<Pick<ConfiguredAirbyteStream, 'destination_sync_mode'>>;

function configureStream(found: AirbyteStream, req: StreamRequest): ConfiguredAirbyteStream {
  const where = `stream ${streamKey(found)}`;
  const supported = found.supported_sync_modes ?? ['full_refresh'];
  const syncMode = req.sync_mode ?? (supported.includes('incremental') ? 'incremental' : 'full_refresh');
  if (!supported.includes(syncMode)) {
    throw new ConfigError(`${where}: sync_mode ${syncMode} is not supported by the connector (it supports ${supported.join(', ')})`);
  }
  const cursor = found.source_defined_cursor ? found.default_cursor_field : (req.cursor_field ?? found.default_cursor_field);
  if (syncMode === 'incremental' && (!cursor || cursor.length === 0)) {
    throw new ConfigError(`${where}: incremental needs a cursor_field (the connector defines none); set cursor_field, or use sync_mode: full_refresh`);
  }
  const pk = found.source_defined_primary_key?.length ? found.source_defined_primary_key : req.primary_key;
  // No primary-key requirement here: proofline dedups on the mapped document's key
  // (the pipeline's destination.primary_key), which the connector never sees.
  const dsm = req.destination_sync_mode ?? 'append';
  return {
    stream: found,
    sync_mode: syncMode,
    destination_sync_mode: dsm,
    ...(cursor && cursor.length > 0 && { cursor_field: cursor }),
    ...(pk && pk.length > 0 && { primary_key: pk }),
  };
}

export function buildConfiguredCatalog(discovered: AirbyteCatalog, requests: StreamRequest[] | undefined): ConfiguredAirbyteCatalog {
  const byKey = new Map(discovered.streams.map((s) => [streamKey(s), s]));
  const wanted = requests?.length ? requests : discovered.streams.map((s) => ({ name: s.name, ...(s.namespace && { namespace: s.namespace }) }));
  const streams = wanted.map((req) => {
    const found = byKey.get(streamKey(req)) ?? discovered.streams.find((s) => s.name === req.name && !req.namespace);
    if (!found) {
      throw new ConfigError(`the connector has no stream ${streamKey(req)}; it offers: ${[...byKey.keys()].join(', ') || '(none)'}`);
    }
    return configureStream(found, req);
  });
  return { streams };
}

/**
 * The `--state` input for a read: per-stream states (Airbyte's STREAM form) for the
 * incremental streams that have one. Full-refresh streams start from nothing.
 */
export function stateInput(catalog: ConfiguredAirbyteCatalog, saved: Record<string, JsonObject>): AirbyteStateMessage[] {
  const out: AirbyteStateMessage[] = [];
  for (const c of catalog.streams) {
    if (c.sync_mode !== 'incremental') continue;
    const state = saved[streamKey(c.stream)] ?? saved[c.stream.name];
    if (!state || Object.keys(state).length === 0) continue;
    const descriptor = { name: c.stream.name, ...(c.stream.namespace && { namespace: c.stream.namespace }) };
    out.push({ type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: state } });
  }
  return out;
}
