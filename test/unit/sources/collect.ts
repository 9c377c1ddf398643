import { join } from 'node:path';
import { createLogger } from '../../../src/common/logger.js';
import type { AirbyteMessage, ConfiguredAirbyteCatalog, JsonObject, SyncMode } from '../../../src/protocol/messages.js';
import type { ReadContext, SourceConnector } from '../../../src/sources/source.js';
import { streamMapper, type StreamMapper } from '../../../src/transform/mapper.js';
import { ROOT } from '../../helpers.js';

/** Run a source's read to the end and sort what it emitted, as the sync engine would see it. */

export const WEATHER_DIR = join(ROOT, 'examples/weather');

/** The weather example's mapping declaration of a stream (examples/weather/mappings/STREAM.yaml). */
export function exampleMapper(stream: string): StreamMapper {
  return streamMapper(join('mappings', `${stream}.yaml`), WEATHER_DIR, stream);
}

export function readContext(baseDir = WEATHER_DIR): ReadContext {
  return { baseDir, logger: createLogger({ level: 'silent', pretty: false }) };
}

export async function catalogFor(source: SourceConnector, config: JsonObject, streams: string[], mode: SyncMode = 'incremental', ctx = readContext()): Promise<ConfiguredAirbyteCatalog> {
  const discovered = await source.discover(config, ctx);
  return {
    streams: discovered.streams
      .filter((s) => streams.includes(s.name))
      .map((stream) => ({ stream, sync_mode: mode, destination_sync_mode: mode === 'incremental' ? 'append_dedup' : 'overwrite' })),
  };
}

export interface Collected {
  records: Record<string, JsonObject[]>;
  /** The last state per stream. */
  state: Record<string, JsonObject>;
  states: number;
  order: string[];
}

export async function collect(messages: AsyncIterable<AirbyteMessage>): Promise<Collected> {
  const out: Collected = { records: {}, state: {}, states: 0, order: [] };
  for await (const m of messages) {
    if (m.type === 'RECORD') {
      (out.records[m.record.stream] ??= []).push(m.record.data);
      out.order.push(`R:${m.record.stream}`);
    } else if (m.type === 'STATE') {
      const s = m.state.stream!;
      out.state[s.stream_descriptor.name] = structuredClone(s.stream_state ?? {});
      out.states += 1;
      out.order.push(`S:${s.stream_descriptor.name}`);
    }
  }
  return out;
}
