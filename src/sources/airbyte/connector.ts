import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ErrorCode, ProoflineError } from '../../errors.js';
import type { RejectedLine } from '../../protocol/jsonl-reader.js';
import {
  streamKey,
  type AirbyteCatalog,
  type AirbyteConnectionStatus,
  type AirbyteMessage,
  type ConfiguredAirbyteCatalog,
  type ConnectorSpecification,
  type JsonObject,
} from '../../protocol/messages.js';
import type { ReadContext, SourceConnector } from '../source.js';
import { airbyteSourceSchema, parseAirbyteSourceConfig, type AirbyteSourceConfig } from './config.js';
import { buildConfiguredCatalog, stateInput, type StreamRequest } from './catalog.js';
import { connectorLabel, invocation, type ConnectorFiles, type ConnectorVerb } from './invocation.js';
import { runConnector, runForMessage } from './run-connector.js';

/**
 * The `airbyte` source: any Airbyte source connector, run as a child process. A read runs
 * check → discover → read, with the connector's config, the configured catalog and the
 * saved state written to a private directory (0700, files 0600) removed afterwards.
 * Lines the protocol reader had to drop (oversized, malformed RECORDs) and records of
 * streams outside the configured catalog come out as RECORDs carrying `_proofline_error`,
 * so the engine rejects them with a reason instead of losing them silently.
 */

async function withPrivateDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'proofline-airbyte-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writePrivate(dir: string, name: string, value: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(value), { mode: 0o600 });
  return path;
}

function runOptions(cfg: AirbyteSourceConfig, ctx: ReadContext, verb: ConnectorVerb, onRejected?: (r: RejectedLine) => void) {
  return {
    label: `${connectorLabel(cfg)} ${verb}`,
    timeoutMs: verb === 'read' ? cfg.timeout_ms : cfg.setup_timeout_ms,
    logger: ctx.logger,
    maxLineBytes: cfg.max_line_bytes,
    ...(ctx.signal && { signal: ctx.signal }),
    ...(onRejected && { onRejected }),
  };
}

async function runCheck(cfg: AirbyteSourceConfig, files: ConnectorFiles, ctx: ReadContext): Promise<AirbyteConnectionStatus> {
  const m = await runForMessage(invocation(cfg, 'check', files), 'CONNECTION_STATUS', runOptions(cfg, ctx, 'check'));
  return m.connectionStatus;
}

/**
 * A sync discovers once to plan the stream, then reads (which discovers again to build the
 * catalog): each discover starts the connector, seconds for a Python one. Catalogs are
 * reused for a few minutes per connector + config; failures are never cached.
 */
const DISCOVER_TTL_MS = 5 * 60_000;
const discovered = new Map<string, { at: number; catalog: AirbyteCatalog }>();

async function runDiscover(cfg: AirbyteSourceConfig, files: ConnectorFiles, ctx: ReadContext): Promise<AirbyteCatalog> {
  const key = JSON.stringify([cfg.command, cfg.image, cfg.config, cfg.env, cfg.docker]);
  const hit = discovered.get(key);
  if (hit && Date.now() - hit.at < DISCOVER_TTL_MS) return hit.catalog;
  const m = await runForMessage(invocation(cfg, 'discover', files), 'CATALOG', runOptions(cfg, ctx, 'discover'));
  discovered.set(key, { at: Date.now(), catalog: m.catalog });
  return m.catalog;
}

/** The data of a RECORD the engine must reject (and count) instead of loading. */
export function rejectedRecord(stream: string, rule: string, message: string): AirbyteMessage {
  return { type: 'RECORD', record: { stream, emitted_at: Date.now(), data: { _proofline_error: { rule, message } } } };
}

/** What the pipeline asks for: the source's `streams:` list, else the engine's catalog entries. */
function requestsFrom(cfg: AirbyteSourceConfig, engineCatalog: ConfiguredAirbyteCatalog): StreamRequest[] | undefined {
  const engine = new Map(engineCatalog.streams.map((c) => [c.stream.name, c]));
  if (cfg.streams?.length) {
    return cfg.streams.map((s) => {
      const e = engine.get(s.name) ?? (engineCatalog.streams.length === 1 ? engineCatalog.streams[0] : undefined);
      return {
        ...s,
        ...(s.sync_mode === undefined && e && { sync_mode: e.sync_mode }),
        ...(s.cursor_field === undefined && e?.cursor_field && { cursor_field: e.cursor_field }),
        ...(s.primary_key === undefined && e?.primary_key && { primary_key: e.primary_key }),
        ...(e && { destination_sync_mode: e.destination_sync_mode }),
      };
    });
  }
  if (engineCatalog.streams.length === 0) return undefined;
  return engineCatalog.streams.map((e) => ({
    name: e.stream.name,
    ...(e.stream.namespace && { namespace: e.stream.namespace }),
    sync_mode: e.sync_mode,
    destination_sync_mode: e.destination_sync_mode,
    ...(e.cursor_field && { cursor_field: e.cursor_field }),
    ...(e.primary_key && { primary_key: e.primary_key }),
  }));
}

export const airbyteSource: SourceConnector = {
  type: 'airbyte',

  spec(): ConnectorSpecification {
    return {
      documentationUrl: 'https://docs.airbyte.com/understanding-airbyte/airbyte-protocol',
      connectionSpecification: airbyteSourceSchema as unknown as JsonObject,
      supportsIncremental: true,
      supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
      protocol_version: '0.5.2',
    };
  },

  async check(config, ctx) {
    const cfg = parseAirbyteSourceConfig(config);
    return withPrivateDir(async (dir) => runCheck(cfg, { dir, config: await writePrivate(dir, 'config.json', cfg.config) }, ctx));
  },

  async discover(config, ctx) {
    const cfg = parseAirbyteSourceConfig(config);
    return withPrivateDir(async (dir) => runDiscover(cfg, { dir, config: await writePrivate(dir, 'config.json', cfg.config) }, ctx));
  },

  read(config, catalog, state, ctx) {
    return readAirbyte(parseAirbyteSourceConfig(config), catalog, state, ctx);
  },
};

async function* readAirbyte(cfg: AirbyteSourceConfig, engineCatalog: ConfiguredAirbyteCatalog, state: Record<string, JsonObject>, ctx: ReadContext): AsyncGenerator<AirbyteMessage> {
  const dir = await mkdtemp(join(tmpdir(), 'proofline-airbyte-'));
  try {
    const files: ConnectorFiles = { dir, config: await writePrivate(dir, 'config.json', cfg.config) };
    if (cfg.check) {
      const status = await runCheck(cfg, files, ctx);
      if (status.status !== 'SUCCEEDED') {
        throw new ConfigError(`connector ${connectorLabel(cfg)} check failed: ${status.message ?? 'no reason given'}`, {
          hint: 'Fix the connector config under source.config (or set source.check: false to skip the check).',
        });
      }
    }
    const configured = buildConfiguredCatalog(await runDiscover(cfg, files, ctx), requestsFrom(cfg, engineCatalog));
    files.catalog = await writePrivate(dir, 'catalog.json', configured);
    const saved = stateInput(configured, state);
    if (saved.length) files.state = await writePrivate(dir, 'state.json', saved);
    ctx.logger.info({ streams: configured.streams.map((s) => `${streamKey(s.stream)}:${s.sync_mode}`), resumed: saved.length }, `reading ${connectorLabel(cfg)}`);

    const selected = new Set(configured.streams.map((s) => streamKey(s.stream)));
    const dropped: RejectedLine[] = [];
    const onRejected = (r: RejectedLine): void => {
      if (r.type === 'RECORD' || r.type === undefined) dropped.push(r);
    };
    const fallbackStream = configured.streams[0]?.stream.name ?? 'unknown';
    for await (const msg of runConnector(invocation(cfg, 'read', files), runOptions(cfg, ctx, 'read', onRejected))) {
      // Dropped lines surface in order, before the message that followed them.
      while (dropped.length) {
        const r = dropped.shift()!;
        if (r.type === 'RECORD') yield rejectedRecord(r.stream ?? fallbackStream, r.kind, `connector output line ${r.line}: ${r.reason}`);
      }
      if (msg.type === 'CONTROL') {
        // The connector rotated its config (e.g. a refreshed OAuth token): proofline does not
        // rewrite the pipeline file, so say what to update.
        ctx.logger.warn({ connector: connectorLabel(cfg) }, 'the connector sent an updated config (CONTROL message); update source.config in the pipeline file to keep it');
        continue;
      }
      const recordKey = msg.type === 'RECORD' ? streamKey({ name: msg.record.stream, namespace: msg.record.namespace }) : '';
      if (msg.type === 'RECORD' && !selected.has(recordKey)) {
        // Attributed to the first configured stream so it lands in a counted quarantine.
        yield rejectedRecord(
          fallbackStream,
          'unknown_stream',
          `record for stream ${recordKey}, which is not in the configured catalog (${[...selected].join(', ')})`,
        );
        continue;
      }
      yield msg;
    }
    for (const r of dropped) if (r.type === 'RECORD') yield rejectedRecord(r.stream ?? fallbackStream, r.kind, `connector output line ${r.line}: ${r.reason}`);
  } catch (e) {
    if (e instanceof ProoflineError) throw e;
    throw new ProoflineError(ErrorCode.CONNECTOR_FAILED, `airbyte source ${connectorLabel(cfg)}: ${(e as Error).message}`, { cause: e });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
