import { resolve } from 'node:path';
import type { Command } from 'commander';
import { logger } from '../common/logger.js';
import { redactText } from '../common/redact.js';
import { errorMessage, UsageError } from '../errors.js';
import { readCatalogFile, readConfigFile, readStateFile } from '../protocol/cli-inputs.js';
import { failureTrace } from '../protocol/failure-trace.js';
import { MessageWriter } from '../protocol/jsonl-writer.js';
import {
  catalogMessage,
  connectionStatusMessage,
  specMessage,
  streamKey,
  streamStatusMessage,
  type AirbyteCatalog,
  type ConfiguredAirbyteCatalog,
} from '../protocol/messages.js';
import { sourceConnector } from '../sources/registry.js';
import type { ReadContext } from '../sources/source.js';

/**
 * `proofline source <type> spec|check|discover|read`: proofline's sources as Airbyte
 * source connectors (the Airbyte CLI convention: `--config` is the SOURCE config as JSON,
 * messages go to stdout one JSON per line, logs to stderr). Failures are reported the
 * Airbyte way too: `check` answers CONNECTION_STATUS FAILED; `read` emits a TRACE error
 * and INCOMPLETE stream statuses before exiting non-zero.
 */

/** The proofline connectors packaged for Airbyte (the `airbyte` type wraps others, it is not one). */
export const CONNECTOR_SOURCE_TYPES = Object.freeze(['infoclimat', 'wunderground', 'files'] as const);

interface Flags {
  config?: string;
  catalog?: string;
  state?: string;
  baseDir?: string;
}

function requireConfig(verb: string, flags: Flags): string {
  if (!flags.config) throw new UsageError(`source ${verb} needs --config <file> (the source config as JSON)`);
  return flags.config;
}

/** Without --catalog: every discovered stream, incremental where the stream supports it. */
export function defaultCatalog(discovered: AirbyteCatalog): ConfiguredAirbyteCatalog {
  return {
    streams: discovered.streams.map((stream) => {
      const incremental = stream.supported_sync_modes.includes('incremental');
      return {
        stream,
        sync_mode: incremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: 'append',
        ...(incremental && stream.default_cursor_field && { cursor_field: stream.default_cursor_field }),
        ...(stream.source_defined_primary_key && { primary_key: stream.source_defined_primary_key }),
      };
    }),
  };
}

export async function runSourceCommand(type: string, verb: string, flags: Flags, out = new MessageWriter()): Promise<number> {
  if (!(CONNECTOR_SOURCE_TYPES as readonly string[]).includes(type)) {
    throw new UsageError(`unknown source "${type}": expected one of ${CONNECTOR_SOURCE_TYPES.join(', ')}`);
  }
  const source = sourceConnector(type);
  const ctx: ReadContext = { baseDir: resolve(flags.baseDir ?? process.cwd()), logger: logger().child({ source: type, verb }) };
  switch (verb) {
    case 'spec':
      await out.write(specMessage(source.spec()));
      return 0;
    case 'check': {
      let status;
      try {
        status = await source.check(await readConfigFile(requireConfig(verb, flags)), ctx);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        status = { status: 'FAILED' as const, message: redactText(errorMessage(e)) };
      }
      await out.write(connectionStatusMessage(status.status, status.message));
      return 0;
    }
    case 'discover':
      await out.write(catalogMessage(await source.discover(await readConfigFile(requireConfig(verb, flags)), ctx)));
      return 0;
    case 'read':
      return read(type, flags, ctx, out);
    default:
      throw new UsageError(`unknown source command "${verb}": expected spec, check, discover or read`);
  }
}

async function read(type: string, flags: Flags, ctx: ReadContext, out: MessageWriter): Promise<number> {
  const source = sourceConnector(type);
  const config = await readConfigFile(requireConfig('read', flags));
  const catalog = flags.catalog ? await readCatalogFile(flags.catalog) : defaultCatalog(await source.discover(config, ctx));
  const state = await readStateFile(flags.state);
  const descriptors = new Map(catalog.streams.map((c) => [streamKey(c.stream), { name: c.stream.name, ...(c.stream.namespace && { namespace: c.stream.namespace }) }]));
  const running = new Set<string>();
  for (const d of descriptors.values()) await out.write(streamStatusMessage(d, 'STARTED'));
  try {
    for await (const m of source.read(config, catalog, state, ctx)) {
      if (m.type === 'RECORD') {
        const key = streamKey({ name: m.record.stream, namespace: m.record.namespace });
        const d = descriptors.get(key);
        if (d && !running.has(key)) {
          running.add(key);
          await out.write(streamStatusMessage(d, 'RUNNING'));
        }
      }
      await out.write(m);
    }
  } catch (e) {
    const { message, trace } = failureTrace(e);
    ctx.logger.error({ err: e }, `read failed: ${message}`);
    await out.write(trace);
    for (const d of descriptors.values()) await out.write(streamStatusMessage(d, 'INCOMPLETE'));
    return 1;
  }
  for (const d of descriptors.values()) await out.write(streamStatusMessage(d, 'COMPLETE'));
  return 0;
}

export function registerSourceCommand(program: Command): void {
  program
    .command('source')
    .description(`run a proofline source as an Airbyte source connector (${CONNECTOR_SOURCE_TYPES.join('|')})`)
    .argument('<type>', `source type: ${CONNECTOR_SOURCE_TYPES.join(', ')}`)
    .argument('<command>', 'spec | check | discover | read')
    .option('--config <file>', 'the source config, as JSON')
    .option('--catalog <file>', 'configured catalog (read; default: every discovered stream)')
    .option('--state <file>', 'saved state: an array of STATE messages, or a legacy object (read)')
    .option('--base-dir <dir>', 'folder relative paths in the config resolve against (default: the working directory)')
    .action(async (type: string, verb: string, flags: Flags) => {
      process.exitCode = await runSourceCommand(type, verb, flags);
    });
}
