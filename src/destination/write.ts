import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Document } from 'mongodb';
import type { Logger } from '../common/logger.js';
import { compileDocValidator, loadJsonSchema } from '../checks/schema-validator.js';
import { ConfigError } from '../errors.js';
import { streamKey, type AirbyteMessage, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type ConfiguredAirbyteStream } from '../protocol/messages.js';
import { connect } from '../store/connection.js';
import { createMapper } from '../transform/mapper.js';
import { collectionFor, driverOptions, streamSettings, type DestinationConfig } from './config.js';
import { safeKeys } from './safe-keys.js';
import { StreamWriter, type StreamCounts, type StreamTarget } from './stream-writer.js';
import { timestampPaths } from './typed-document.js';

/**
 * `destination mongodb write`: consumes Airbyte messages (stdin), writes each configured
 * stream with its destination sync mode, and hands each STATE back (`emit`) only once
 * every record before it is flushed — Airbyte's checkpoint contract. States covering an
 * overwrite stream wait for its swap at the end: before that, the data is not in place.
 */

export const UNKNOWN_STREAM_QUARANTINE = '_proofline_quarantine';

export interface WriteOptions {
  config: DestinationConfig;
  catalog: ConfiguredAirbyteCatalog;
  logger: Logger;
  /** Where echoed STATE messages go (stdout, with backpressure). */
  emit: (m: AirbyteMessage) => Promise<void>;
  /** Folder relative schema paths resolve against. */
  baseDir: string;
}

export interface WriteResult {
  runId: string;
  streams: Record<string, StreamCounts & { collection: string; mode: string }>;
  /** Records of streams outside the catalog, by stream: rejected into _proofline_quarantine. */
  unknownStreams: Record<string, number>;
  statesEmitted: number;
}

function schemaFile(cfg: DestinationConfig, schema: string, baseDir: string): string {
  if (schema.endsWith('.json') || schema.includes('/')) return isAbsolute(schema) ? schema : resolve(baseDir, schema);
  const dirs = cfg.schemas_dir ? [resolve(baseDir, cfg.schemas_dir)] : [resolve(baseDir, 'schemas'), resolve(baseDir, 'examples/weather/schemas')];
  const found = dirs.map((d) => resolve(d, `${schema}.json`)).find((f) => existsSync(f));
  if (!found) throw new ConfigError(`target schema "${schema}" not found in ${dirs.join(' or ')}`, { hint: 'Give a path to the .json file, or set schemas_dir.' });
  return found;
}

export function buildTarget(cfg: DestinationConfig, configured: ConfiguredAirbyteStream, baseDir: string): StreamTarget {
  const { name, namespace } = configured.stream;
  const settings = streamSettings(cfg, name, namespace);
  const target: StreamTarget = {
    configured: settings.primary_key ? { ...configured, primary_key: settings.primary_key.map((k) => k.split('.')) } : configured,
    collection: collectionFor(cfg, name, namespace),
    mapper: createMapper(settings.mapping ?? 'identity'),
  };
  if (settings.schema) target.validator = compileDocValidator(loadJsonSchema(schemaFile(cfg, settings.schema, baseDir)));
  else target.timestampPaths = timestampPaths(configured.stream.json_schema);
  return target;
}

/** The streams a STATE covers (undefined: all of them — GLOBAL or LEGACY). */
function stateStreams(state: AirbyteStateMessage): string[] | undefined {
  if (state.type === 'STREAM' && state.stream) return [streamKey(state.stream.stream_descriptor)];
  return undefined;
}

export async function writeMessages(messages: AsyncIterable<AirbyteMessage>, options: WriteOptions): Promise<WriteResult> {
  const { config, catalog, logger } = options;
  const runId = `dest_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const targets = catalog.streams.map((c) => buildTarget(config, c, options.baseDir));
  const client = await connect(config.uri, { timeoutMs: config.timeout_ms, appName: 'proofline-destination', driver: driverOptions(config) });
  const db = client.db(config.database);
  const ctx = { db, runId, ingestedAt: new Date(), batchSize: config.batch_size, logger };
  const writers = new Map(targets.map((t) => [streamKey(t.configured.stream), new StreamWriter(t, ctx)]));
  const unknownStreams: Record<string, number> = {};
  let unknownBuffer: Document[] = [];
  const deferred: AirbyteMessage[] = [];
  let statesEmitted = 0;

  const flushUnknown = async (): Promise<void> => {
    if (!unknownBuffer.length) return;
    const docs = unknownBuffer;
    unknownBuffer = [];
    await db.collection(UNKNOWN_STREAM_QUARANTINE).insertMany(docs, { ordered: false });
  };
  const emit = async (m: AirbyteMessage): Promise<void> => {
    statesEmitted += 1;
    await options.emit(m);
  };

  try {
    for (const w of writers.values()) await w.start();
    for await (const m of messages) {
      if (m.type === 'RECORD') {
        const key = streamKey({ name: m.record.stream, namespace: m.record.namespace });
        const w = writers.get(key);
        if (!w) {
          unknownStreams[key] = (unknownStreams[key] ?? 0) + 1;
          unknownBuffer.push({
            stream: key,
            run_id: runId,
            rejected_at: new Date(),
            reasons: [{ field: '(record)', rule: 'unknown_stream', message: `stream ${key} is not in the configured catalog` }],
            data: safeKeys(m.record.data),
          });
          if (unknownBuffer.length >= config.batch_size) await flushUnknown();
          continue;
        }
        if (w.add(m.record)) await w.flush();
      } else if (m.type === 'STATE') {
        const covered = stateStreams(m.state);
        const affected = covered ? covered.map((k) => writers.get(k)).filter((w): w is StreamWriter => Boolean(w)) : [...writers.values()];
        for (const w of affected) await w.flush();
        await flushUnknown();
        const waitsForSwap = affected.some((w) => w.mode === 'overwrite');
        if (waitsForSwap || (covered === undefined && deferred.length)) deferred.push(m);
        else await emit(m);
      } else if (m.type === 'TRACE' && m.trace.type === 'ERROR') {
        logger.error({ upstream: m.trace.error }, `upstream error: ${m.trace.error?.message ?? ''}`);
      }
    }
    for (const w of writers.values()) await w.finish();
    await flushUnknown();
    for (const m of deferred) await emit(m);
  } catch (e) {
    for (const w of writers.values()) await w.abort();
    throw e;
  } finally {
    await client.close().catch(() => undefined);
  }

  const streams: WriteResult['streams'] = {};
  for (const t of targets) {
    const w = writers.get(streamKey(t.configured.stream))!;
    streams[streamKey(t.configured.stream)] = { ...w.counts, collection: t.collection, mode: t.configured.destination_sync_mode };
  }
  for (const [name, c] of Object.entries(streams)) logger.info({ stream: name, ...c }, `stream ${name}: read ${c.read} = inserted ${c.inserted} + updated ${c.updated} + unchanged ${c.unchanged} + rejected ${c.rejected}`);
  for (const [name, n] of Object.entries(unknownStreams)) logger.warn({ stream: name, rejected: n }, `${n} record(s) of stream ${name}, which is not in the catalog, rejected into ${UNKNOWN_STREAM_QUARANTINE}`);
  return { runId, streams, unknownStreams, statesEmitted };
}
