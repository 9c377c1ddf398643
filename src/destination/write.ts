import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from '../common/logger.js';
import { ConfigError, errorMessage } from '../errors.js';
import { compileValidator, loadSchema } from '../model/schema.js';
import { streamKey, type AirbyteMessage, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type ConfiguredAirbyteStream } from '../protocol/messages.js';
import { locationOf, writeRejects, type Reject } from '../store/rejects.js';
import { withUnwritten } from '../store/stream-counts.js';
import { SyncCore } from '../sync/core.js';
import type { StreamReport, SyncReport } from '../sync/run-result.js';
import { runPipeline, type RunSpec } from '../sync/runner.js';
import type { StreamTarget } from '../sync/stream-target.js';
import { streamMapper } from '../transform/mapper.js';
import { collectionFor, destinationSession, streamSettings, type DestinationConfig } from './config.js';
import { safeKeys } from './safe-keys.js';
import { typedMapper } from './typed-mapper.js';
import { timestampPaths } from './typed-document.js';

/**
 * `destination mongodb write`: Airbyte messages (stdin) through the one runner
 * (sync/runner.ts) into the sync engine's core — the same session, run record, map →
 * validate → quarantine → batched write path as `proofline sync` — with each
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

export async function writeMessages(messages: AsyncIterable<AirbyteMessage>, options: WriteOptions): Promise<SyncReport> {
  const { config, catalog, logger } = options;
  const targets = catalog.streams.map((c) => buildTarget(config, c, options.baseDir));
  const spec: RunSpec = {
    pipeline: config.pipeline ?? 'airbyte-destination',
    origin: 'destination',
    streams: targets.map((t) => t.name),
    session: destinationSession(config, logger),
    logger,
  };
  return runPipeline(spec, async (run) => {
    const unknownStreams: Record<string, number> = {};
    let unknownBuffer: Reject[] = [];
    const deferred: AirbyteStateMessage[] = [];
    let statesEmitted = 0;
    const flushUnknown = async (): Promise<void> => {
      const batch = unknownBuffer;
      unknownBuffer = [];
      await writeRejects(run.db, UNKNOWN_STREAMS, run.runId, batch);
    };
    const emit = async (state: AirbyteStateMessage): Promise<void> => {
      statesEmitted += 1;
      await options.emit({ type: 'STATE', state });
    };
    const anyOverwrite = targets.some((t) => t.destinationSyncMode === 'overwrite');
    const core = new SyncCore(targets, {
      db: run.db,
      runId: run.runId,
      logger,
      capabilities: run.capabilities,
      renameDropTarget: run.renameDropTarget,
      onStateCommitted: async (state, target) => {
        await flushUnknown();
        // A state for an overwrite stream (or a global one while any exists) is only true after the swap.
        const waits = target ? target.destinationSyncMode === 'overwrite' : anyOverwrite;
        if (waits || (deferred.length && !target)) deferred.push(state);
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
    const reports = (status: StreamReport['status']): StreamReport[] =>
      core.counts().map(({ target, counts }) => ({
        stream: target.name,
        collection: target.collection,
        mode: target.destinationSyncMode,
        status,
        durationMs: Date.now() - run.startedAt.getTime(),
        validated: Boolean(target.validator),
        ...(status === 'failed' ? withUnwritten(counts) : counts),
      }));
    run.track(() => reports('failed'));
    try {
      await core.start();
      await core.consume(known(messages, names, quarantine, typed));
      await core.finish();
      await flushUnknown();
      for (const state of deferred) await emit(state);
    } catch (e) {
      // What was read is written and counted where the database still answers, so the run
      // record balances (the platform re-sends what no emitted state covers). The write's
      // own error is what the platform must see: a failed flush, or a failed abort leaving
      // an overwrite's temporary collection behind (the next run drops it), is said, not thrown.
      await core.flushAll().catch((flushError: unknown) => logger.warn({ error: errorMessage(flushError) }, 'records read before the failure not flushed; the platform sends them again'));
      await core.abort().catch((abortError: unknown) => logger.warn({ error: errorMessage(abortError) }, 'could not drop the temporary collection of this write; the next run drops it'));
      throw e;
    }
    const streams = reports('succeeded');
    for (const s of streams) {
      logger.info(
        { stream: s.stream, collection: s.collection, mode: s.mode, read: s.read, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged, duplicate: s.duplicate, rejected: s.rejected },
        `stream ${s.stream}: read ${s.read} = inserted ${s.inserted} + updated ${s.updated} + unchanged ${s.unchanged} + duplicate ${s.duplicate} + rejected ${s.rejected}`,
      );
    }
    for (const [name, n] of Object.entries(unknownStreams)) logger.warn({ stream: name, rejected: n }, `${n} record(s) of stream ${name}, which is not in the catalog, rejected into ${UNKNOWN_STREAMS}_rejects`);
    return { streams, unknownStreams, statesEmitted };
  });
}
