#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { isUsageOrConfigError, isProoflineError, errorMessage } from '../errors.js';
import { redactText } from '../common/redact.js';
import { serverMessage } from '../common/server-message.js';

/**
 * The CLI is a thin shell over the library: each command file parses its flags and
 * calls one library function. Exit codes (DESIGN.md): 0 success, 1 a check or sync fell
 * short of its thresholds, 2 bad usage or bad configuration, 3 (sync) a stream was
 * skipped because another run holds its lease ("already running").
 */

export const EXIT = Object.freeze({ OK: 0, SHORT: 1, USAGE: 2, ALREADY_RUNNING: 3 } as const);

type Register = (program: Command) => void;

/**
 * The commands, in the order of the data flow as `proofline --help` lists them. Each is
 * loaded only when it runs: `proofline stack status` need not load the connectors, the
 * mapping language and the report's charts (seconds on a busy machine).
 */
const COMMANDS: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['init', async () => (await import('./init.js')).registerInitCommand],
  ['sync', async () => (await import('./sync.js')).registerSyncCommand],
  ['check', async () => (await import('./check.js')).registerCheckCommand],
  ['monitor', async () => (await import('./monitor.js')).registerMonitorCommand],
  ['report', async () => (await import('./report.js')).registerReportCommand],
  ['source', async () => (await import('./source.js')).registerSourceCommand],
  ['destination', async () => (await import('./destination.js')).registerDestinationCommand],
  ['stack', async () => (await import('./stack.js')).registerStackCommand],
];

/** The program with the command argv names, or with every command (help, version, a typo). */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('proofline')
    .description('Ingest heterogeneous sources into MongoDB-compatible collections, and prove with numbers that it works.')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  const named = COMMANDS.filter(([name]) => name === argv[2]);
  for (const [, load] of named.length ? named : COMMANDS) (await load())(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv);
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
