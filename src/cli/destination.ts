import { resolve } from 'node:path';
import type { Command } from 'commander';
import { logger } from '../common/logger.js';
import { UsageError } from '../errors.js';
import { checkDestination } from '../destination/check.js';
import { parseDestinationConfig } from '../destination/config.js';
import { destinationSpec } from '../destination/spec.js';
import { writeMessages } from '../destination/write.js';
import { readCatalogFile, readConfigFile } from '../protocol/cli-inputs.js';
import { JsonLinesReader } from '../protocol/jsonl-reader.js';
import { MessageWriter } from '../protocol/jsonl-writer.js';
import { failureTrace } from '../protocol/failure-trace.js';
import { connectionStatusMessage, specMessage } from '../protocol/messages.js';
import { serverMessage } from '../common/server-message.js';

/**
 * `proofline destination mongodb spec|check|write`: the MongoDB / DocumentDB destination
 * as an Airbyte destination connector. `write` reads messages on stdin and echoes each
 * STATE on stdout once the records before it are flushed; a failure is a TRACE error on
 * stdout and exit 1 (states not echoed were not committed, so Airbyte retries from them).
 */

interface Flags {
  config?: string;
  catalog?: string;
  baseDir?: string;
}

export async function runDestinationCommand(name: string, verb: string, flags: Flags, out = new MessageWriter(), input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  if (name !== 'mongodb') throw new UsageError(`unknown destination "${name}": expected mongodb`);
  if (verb === 'spec') {
    await out.write(specMessage(destinationSpec));
    return 0;
  }
  if (verb !== 'check' && verb !== 'write') throw new UsageError(`unknown destination command "${verb}": expected spec, check or write`);
  if (!flags.config) throw new UsageError(`destination ${verb} needs --config <file> (the destination config as JSON)`);
  const log = logger().child({ destination: name, verb });
  if (verb === 'check') {
    let status;
    try {
      status = await checkDestination(parseDestinationConfig(await readConfigFile(flags.config), flags.config));
    } catch (e) {
      status = { status: 'FAILED' as const, message: serverMessage(e) };
    }
    await out.write(connectionStatusMessage(status.status, status.message));
    return 0;
  }
  if (!flags.catalog) throw new UsageError('destination write needs --catalog <file> (the configured catalog)');
  const config = parseDestinationConfig(await readConfigFile(flags.config), flags.config);
  const catalog = await readCatalogFile(flags.catalog);
  try {
    const reader = new JsonLinesReader(input as AsyncIterable<Buffer>, { logger: log });
    const result = await writeMessages(reader, {
      config,
      catalog,
      logger: log,
      emit: (m) => out.write(m),
      baseDir: resolve(flags.baseDir ?? process.cwd()),
    });
    log.info({ run_id: result.runId, states: result.statesEmitted, unknown_streams: result.unknownStreams }, 'write finished');
    return 0;
  } catch (e) {
    const { message, trace } = failureTrace(e);
    log.error({ err: e }, `write failed: ${message}`);
    await out.write(trace);
    return 1;
  }
}

export function registerDestinationCommand(program: Command): void {
  program
    .command('destination')
    .description('run the MongoDB / DocumentDB destination as an Airbyte destination connector')
    .argument('<name>', 'destination: mongodb')
    .argument('<command>', 'spec | check | write')
    .option('--config <file>', 'the destination config, as JSON')
    .option('--catalog <file>', 'configured catalog (write)')
    .option('--base-dir <dir>', 'folder relative schema paths resolve against (default: the working directory)')
    .action(async (name: string, verb: string, flags: Flags) => {
      process.exitCode = await runDestinationCommand(name, verb, flags);
    });
}
