import type { Logger } from '../../common/logger.js';
import { ErrorCode, ProoflineError } from '../../errors.js';
import { JsonLinesReader, type RejectedLine } from '../../protocol/jsonl-reader.js';
import type { AirbyteErrorTraceMessage, AirbyteLogMessage, AirbyteMessage } from '../../protocol/messages.js';
import type { Invocation } from './invocation.js';
import { ConnectorProcess } from './connector-process.js';
import { connectorFailure } from './connector-outcome.js';

/**
 * Runs one connector command (connector-process.ts) and yields its protocol messages in
 * order. The connector's LOG messages and its stderr go to proofline's log (not to the
 * caller). When the output
 * ends, a TRACE error or a non-zero exit becomes a CONNECTOR_FAILED error carrying the
 * connector's own message; a run longer than `timeoutMs` kills the child and fails with
 * CONNECTOR_TIMEOUT. Throwing only at the end means the caller has processed (and
 * committed state for) every message the connector produced before failing.
 */

export interface RunConnectorOptions {
  label: string;
  timeoutMs: number;
  logger: Logger;
  maxLineBytes?: number;
  signal?: AbortSignal;
  onRejected?: (r: RejectedLine) => void;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

const LOG_LEVEL: Record<AirbyteLogMessage['level'], 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'> = {
  FATAL: 'fatal',
  ERROR: 'error',
  WARN: 'warn',
  INFO: 'info',
  DEBUG: 'debug',
  TRACE: 'trace',
};

export async function* runConnector(inv: Invocation, options: RunConnectorOptions): AsyncGenerator<AirbyteMessage> {
  const log = options.logger.child({ connector: options.label });
  const proc = new ConnectorProcess(inv, {
    timeoutMs: options.timeoutMs,
    log,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.killGraceMs !== undefined ? { killGraceMs: options.killGraceMs } : {}),
  });
  const errors: AirbyteErrorTraceMessage[] = [];
  let finished = false;
  try {
    const startError = await proc.spawnError;
    if (startError) {
      throw new ProoflineError(ErrorCode.CONNECTOR_FAILED, `cannot start connector ${options.label} (${inv.program}): ${startError.message}`, {
        cause: startError,
        hint: 'Check the `command` path (e.g. run scripts/setup-python.sh for .venv/bin/source-faker) or that docker is installed.',
      });
    }
    const reader = new JsonLinesReader(proc.child.stdout, {
      logger: log,
      ...(options.maxLineBytes !== undefined && { maxLineBytes: options.maxLineBytes }),
      ...(options.onRejected && { onRejected: options.onRejected }),
    });
    for await (const msg of guard(reader, () => proc.tornDown)) {
      if (msg.type === 'LOG') {
        log[LOG_LEVEL[msg.log.level] ?? 'info']({ ...(msg.log.stack_trace && { stack_trace: msg.log.stack_trace }) }, msg.log.message);
        continue;
      }
      if (msg.type === 'TRACE' && msg.trace.type === 'ERROR' && msg.trace.error) {
        errors.push(msg.trace.error);
        log.error({ failure_type: msg.trace.error.failure_type, internal: msg.trace.error.internal_message }, `connector error: ${msg.trace.error.message}`);
      }
      yield msg;
    }
    const { code, signal } = proc.tornDown ? { code: null, signal: null } : await proc.closed;
    await proc.stderrDone;
    const failure = connectorFailure({ label: options.label, timeoutMs: options.timeoutMs, timedOut: proc.timedOut, aborted: proc.aborted, errors, code, signal, stderrTail: proc.stderrTail });
    if (failure) throw failure;
    finished = true;
  } finally {
    proc.dispose(finished);
  }
}

/** Ends quietly instead of throwing when the pipe was torn down on purpose (timeout, abort). */
async function* guard(source: AsyncIterable<AirbyteMessage>, tornDown: () => boolean): AsyncGenerator<AirbyteMessage> {
  try {
    yield* source;
  } catch (e) {
    if (!tornDown()) throw e;
  }
}

/** Run a command that answers with a single message of `type` (spec, check, discover). */
export async function runForMessage<T extends AirbyteMessage['type']>(
  inv: Invocation,
  type: T,
  options: RunConnectorOptions,
): Promise<Extract<AirbyteMessage, { type: T }>> {
  let found: Extract<AirbyteMessage, { type: T }> | undefined;
  for await (const m of runConnector(inv, options)) {
    if (m.type === type && !found) found = m as Extract<AirbyteMessage, { type: T }>;
  }
  if (!found) throw new ProoflineError(ErrorCode.CONNECTOR_FAILED, `connector ${options.label} ended without a ${type} message (${inv.args.find((a) => /^(spec|check|discover)$/.test(a)) ?? ''})`);
  return found;
}
