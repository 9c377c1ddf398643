import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from '../common/logger.js';
import { ConfigError, errorMessage } from '../errors.js';
import { compileValidator, loadSchema } from '../model/schema.js';
import { streamKey, type AirbyteMessage, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type ConfiguredAirbyteStream } from '../protocol/messages.js';
import { capabilitiesOf, renameDropTargetOf } from '../store/capabilities.js';
import { connect } from '../store/connection.js';
import { locationOf, writeRejects, type Reject } from '../store/rejects.js';
import { markAbandonedRuns, recordRunEnd, recordRunStart, type RunStreamDoc } from '../store/run-store.js';
import { SyncCore } from '../sync/core.js';
import { newRunId } from '../sync/run-sync.js';
import type { StreamCounts } from '../store/stream-counts.js';
import type { StreamTarget } from '../sync/stream-target.js';
import { streamMapper } from '../transform/mapper.js';
import { collectionFor, driverOptions, streamSettings, type DestinationConfig } from './config.js';
import { safeKeys } from './safe-keys.js';
import { typedMapper } from './typed-mapper.js';
import { timestampPaths } from './typed-document.js';

/**
 * `destination mongodb write`: Airbyte messages (stdin) into the sync engine's core — the
 * same map → validate → quarantine → batched write path as `proofline sync` — with each
 * configured stream's destination sync mode. Each STATE is handed back (`emit`) only once
 * every record before it is flushed, Airbyte's checkpoint contract; states that cover an
 * overwrite stream wait for its swap at the end, before which the data is not in place.
 * Records of streams outside the catalog are quarantined in `_proofline_rejects`.
 */

/** Where records of streams the catalog does not list are quarantined (`<name>_rejects`). */
export const UNKNOWN_STREAMS = '_proofline';

export interface WriteOptions {
  config: DestinationConfig;
  catalog: ConfiguredAirbyteCatalog;
  logger: Logger;
  /** Where committed STATE messages go (stdout, with backpressure). */
  emit: (m: AirbyteMessage) => Promise<void>;
  /** Folder relative schema paths resolve against. */
  baseDir: string;
}

export interface WriteResult {
  runId: string;
  streams: Record<string, StreamCounts & { collection: string; mode: string }>;
  /** Records of streams outside the catalog, by stream: rejected into _proofline_rejects. */
  unknownStreams: Record<string, number>;
  statesEmitted: number;
}

/**
 * A file the destination config names: a path (absolute, or relative to baseDir), or a bare
 * name looked up in a folder (`schemas_dir`, `mappings_dir`; by default `schemas/` and
 * `mappings/` beside the config, where the connector image puts the example's).
 */
function namedFile(name: string, where: { kind: string; setting: string; dir: string; extensions: string[] }, baseDir: string): string {
  if (name.includes('/') || where.extensions.some((e) => name.endsWith(e))) return isAbsolute(name) ? name : resolve(baseDir, name);
  const folder = resolve(baseDir, where.dir);
  const found = where.extensions.map((e) => resolve(folder, `${name}${e}`)).find((f) => existsSync(f));
  if (!found) throw new ConfigError(`${where.kind} "${name}" not found in ${folder}`, { hint: `Give a path to the file, or set ${where.setting}.` });
  return found;
}

/** A configured Airbyte stream → the engine's StreamTarget, per the destination config. */
export function buildTarget(cfg: DestinationConfig, configured: ConfiguredAirbyteStream, baseDir: string): StreamTarget {
  const { name, namespace } = configured.stream;
  const settings = streamSettings(cfg, name, namespace);
  const schemas = { kind: 'target schema', setting: 'schemas_dir', dir: cfg.schemas_dir ?? 'schemas', extensions: ['.json'] };
  const mappings = { kind: 'mapping', setting: 'mappings_dir', dir: cfg.mappings_dir ?? 'mappings', extensions: ['.yaml', '.yml', '.json'] };
  const schema = settings.schema ? loadSchema(namedFile(settings.schema, schemas, baseDir)) : undefined;
  const mapping = settings.mapping ?? 'identity';
  const mappingSpec = mapping === 'identity' ? mapping : namedFile(mapping, mappings, baseDir);
  const mapper = streamMapper(mappingSpec, baseDir, streamKey(configured.stream));
  const mode = configured.destination_sync_mode;
  const pk = settings.primary_key ?? configured.primary_key?.map((p) => p.join('.'));
  const cursor = settings.cursor_field ?? configured.cursor_field?.join('.');
  if (mode === 'append_dedup' && !pk?.length) {
    throw new ConfigError(`stream ${streamKey(configured.stream)}: append_dedup needs a primary key (in the catalog, or streams[].primary_key in the destination config)`);
  }
  return {
    name: streamKey(configured.stream),
    sourceStream: name,
    collection: collectionFor(cfg, name, namespace),
    ...(schema ? { schema, validator: compileValidator(schema) } : {}),
    mapper: schema ? mapper : typedMapper(mapper, timestampPaths(configured.stream.json_schema)),
    syncMode: configured.sync_mode,
    destinationSyncMode: mode,
    ...(pk?.length && mode !== 'append' ? { primaryKey: pk } : {}),
    ...(cursor ? { cursorField: cursor } : {}),
    indexes: settings.indexes ?? [],
    batchSize: cfg.batch_size,
  };
}

/**
 * Splits off the records of unknown streams (quarantined here, in batches), adds the
 * record's emission time for the lineage of typed documents, and stamps each STATE with
 * `destinationStats.recordCount`: the records this destination received for what the state
 * covers since the previous one, so the platform can compare it with the source's count.
 */
async function* known(
  messages: AsyncIterable<AirbyteMessage>,
  names: Set<string>,
  quarantine: (r: Reject) => Promise<void>,
  typed: Set<string>,
): AsyncGenerator<AirbyteMessage> {
  const received = new Map<string, number>();
  for await (const m of messages) {
    if (m.type === 'STATE') {
      const stream = m.state.type === 'STREAM' ? m.state.stream?.stream_descriptor.name : undefined;
      let n = 0;
      if (stream !== undefined) {
        n = received.get(stream) ?? 0;
        received.delete(stream);
      } else {
        for (const v of received.values()) n += v;
        received.clear();
      }
      m.state.destinationStats = { ...m.state.destinationStats, recordCount: n };
    }
    if (m.type !== 'RECORD') {
      yield m;
      continue;
    }
    received.set(m.record.stream, (received.get(m.record.stream) ?? 0) + 1);
    if (!names.has(m.record.stream)) {
      const key = streamKey({ name: m.record.stream, namespace: m.record.namespace });
      await quarantine({
        stream: key,
        location: locationOf(m.record.data),
        record: safeKeys(m.record.data),
        failures: [{ field: '(record)', rule: 'unknown_stream', value: null, message: `stream ${key} is not in the configured catalog` }],
      });
      continue;
    }
    if (typed.has(m.record.stream)) m.record.data._pl_airbyte_extracted_at = new Date(m.record.emitted_at);
    yield m;
  }
}

export async function writeMessages(messages: AsyncIterable<AirbyteMessage>, options: WriteOptions): Promise<WriteResult> {
  const { config, catalog, logger } = options;
  const runId = newRunId();
  const targets = catalog.streams.map((c) => buildTarget(config, c, options.baseDir));
  const client = await connect(config.uri, { timeoutMs: config.timeout_ms, appName: 'proofline-destination', driver: driverOptions(config) });
  const db = client.db(config.database);
  const unknownStreams: Record<string, number> = {};
  let unknownBuffer: Reject[] = [];
  const deferred: AirbyteMessage[] = [];
  let statesEmitted = 0;
  const flushUnknown = async (): Promise<void> => {
    const batch = unknownBuffer;
    unknownBuffer = [];
    await writeRejects(db, UNKNOWN_STREAMS, runId, batch);
  };
  const emit = async (state: AirbyteStateMessage): Promise<void> => {
    statesEmitted += 1;
    await options.emit({ type: 'STATE', state });
  };
  const anyOverwrite = targets.some((t) => t.destinationSyncMode === 'overwrite');
  const startedAt = new Date();
  const pipeline = config.pipeline ?? 'airbyte-destination';

  try {
    await markAbandonedRuns(db, pipeline, startedAt);
    await recordRunStart(db, { runId, pipeline, startedAt, streams: targets.map((t) => t.name), origin: 'destination' });
    const core = new SyncCore(targets, {
      db,
      runId,
      logger,
      capabilities: await capabilitiesOf(client),
      renameDropTarget: (await renameDropTargetOf(client)).supported,
      onStateCommitted: async (state, target) => {
        await flushUnknown();
        // A state for an overwrite stream (or a global one while any exists) is only true after the swap.
        const waits = target ? target.destinationSyncMode === 'overwrite' : anyOverwrite;
        if (waits || (deferred.length && !target)) deferred.push({ type: 'STATE', state });
        else await emit(state);
      },
      onLog: (m) => {
        if (m.type === 'TRACE' && m.trace.error) logger.warn({ upstream: m.trace.error.message }, 'upstream reported an error');
      },
    });
    const quarantine = async (r: Reject): Promise<void> => {
      unknownStreams[r.stream] = (unknownStreams[r.stream] ?? 0) + 1;
      unknownBuffer.push(r);
      if (unknownBuffer.length >= config.batch_size) await flushUnknown();
    };
    const names = new Set(targets.map((t) => t.sourceStream));
    const typed = new Set(targets.filter((t) => !t.schema).map((t) => t.sourceStream));
    const runStreams = (status: string): RunStreamDoc[] =>
      core.counts().map(({ target, counts }) => ({ stream: target.name, collection: target.collection, status, durationMs: Date.now() - startedAt.getTime(), ...counts }));
    try {
      await core.start();
      await core.consume(known(messages, names, quarantine, typed));
      await core.finish();
      await flushUnknown();
      for (const m of deferred) if (m.type === 'STATE') await emit(m.state);
    } catch (e) {
      // Best effort on the way out: the write's own error is what the platform must see.
      await core.abort().catch((abortError: unknown) => logger.warn({ error: errorMessage(abortError) }, 'could not abort the write cleanly'));
      await recordRunEnd(db, runId, { status: 'failed', finishedAt: new Date(), streams: runStreams('failed'), error: errorMessage(e) }).catch((recordError: unknown) =>
        logger.warn({ error: errorMessage(recordError) }, `could not record run ${runId} as failed: it stays "running" until the next run marks it abandoned`),
      );
      throw e;
    }
    await recordRunEnd(db, runId, { status: 'succeeded', finishedAt: new Date(), streams: runStreams('succeeded') });
    const streams: WriteResult['streams'] = {};
    for (const { target, counts } of core.counts()) {
      streams[target.name] = { ...counts, collection: target.collection, mode: target.destinationSyncMode };
      logger.info(
        { stream: target.name, collection: target.collection, mode: target.destinationSyncMode, ...counts },
        `stream ${target.name}: read ${counts.read} = inserted ${counts.inserted} + updated ${counts.updated} + unchanged ${counts.unchanged} + duplicate ${counts.duplicate} + rejected ${counts.rejected}`,
      );
    }
    for (const [name, n] of Object.entries(unknownStreams)) logger.warn({ stream: name, rejected: n }, `${n} record(s) of stream ${name}, which is not in the catalog, rejected into ${UNKNOWN_STREAMS}_rejects`);
    return { runId, streams, unknownStreams, statesEmitted };
  } finally {
    await client.close().catch(() => undefined);
  }
}
