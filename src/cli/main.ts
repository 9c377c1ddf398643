#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isUsageOrConfigError, isProoflineError, errorMessage } from '../errors.js';
import { redactText } from '../common/redact.js';
import { registerStackCommand } from './stack.js';
import { registerSourceCommand } from './source.js';
import { registerDestinationCommand } from './destination.js';
import { registerMonitorCommand } from './monitor.js';
import { registerCheckCommand } from './check.js';
import { registerReportCommand } from './report.js';
import { registerSyncCommand } from './sync.js';
import { registerInitCommand } from './init.js';
import { serverMessage } from '../common/server-message.js';

/**
 * The CLI is a thin shell over the library: each command file parses its flags and
 * calls one library function. Exit codes (DESIGN.md): 0 success, 1 a check or sync fell
 * short of its thresholds, 2 bad usage or bad configuration, 3 (sync) a stream was
 * skipped because another run holds its lease ("already running").
 */

export const EXIT = Object.freeze({ OK: 0, SHORT: 1, USAGE: 2, ALREADY_RUNNING: 3 } as const);

export function buildProgram(): Command {
  const program = new Command('proofline')
    .description('Ingest heterogeneous sources into MongoDB-compatible collections, and prove with numbers that it works.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  // In the order of the data flow, as `proofline --help` lists them.
  registerInitCommand(program);
  registerSyncCommand(program);
  registerCheckCommand(program);
  registerMonitorCommand(program);
  registerReportCommand(program);
  registerSourceCommand(program);
  registerDestinationCommand(program);
  registerStackCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.USAGE;
    }
    const msg = serverMessage(e);
    process.stderr.write(`proofline: ${msg}\n`);
    if (isProoflineError(e) && e.hint) process.stderr.write(`  hint: ${e.hint}\n`);
    return isUsageOrConfigError(e) ? EXIT.USAGE : EXIT.SHORT;
  }
}

const invokedDirectly = process.argv[1] !== undefined && /cli[\\/]main\.(js|ts)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`proofline: internal error: ${redactText(errorMessage(e))}\n`);
      process.exitCode = 70;
    },
  );
}
