import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Logger } from '../../common/logger.js';
import { redactText } from '../../common/redact.js';
import { ErrorCode, ProoflineError } from '../../errors.js';
import { JsonLinesReader, type RejectedLine } from '../../protocol/jsonl-reader.js';
import type { AirbyteErrorTraceMessage, AirbyteLogMessage, AirbyteMessage } from '../../protocol/messages.js';
import type { Invocation } from './invocation.js';

/**
 * Runs one connector command and yields its protocol messages in order. The connector's
 * LOG messages and its stderr go to proofline's log (not to the caller). When the output
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

const STDERR_LINE_BYTES = 1024 * 1024;

export async function* runConnector(inv: Invocation, options: RunConnectorOptions): AsyncGenerator<AirbyteMessage> {
  const log = options.logger.child({ connector: options.label });
  const child = spawn(inv.program, inv.args, {
    env: { ...process.env, ...inv.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a timeout kills the connector's children too (a shell
    // wrapper's `sleep` would otherwise keep the pipe open).
    detached: true,
  });
  const spawnError = once(child, 'spawn').then(
    () => undefined,
    (e: Error) => e,
  );
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  child.on('error', () => undefined);

  let timedOut = false;
  let aborted = false;
  const signalGroup = (sig: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, sig);
    } catch {
      child.kill(sig);
    }
  };
  let killing = false;
  const kill = (): void => {
    if (killing) return;
    killing = true;
    signalGroup('SIGTERM');
    setTimeout(() => {
      signalGroup('SIGKILL');
      // Whatever still holds the pipes open, stop waiting for it.
      child.stdout.destroy();
      child.stderr.destroy();
    }, options.killGraceMs ?? 5_000).unref();
  };
  const timer = setTimeout(() => {
    timedOut = true;
    log.error({ timeout_ms: options.timeoutMs }, 'connector timed out; killing it');
    kill();
  }, options.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    kill();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  const stderrTail: string[] = [];
  const stderrDone = (async () => {
    for await (const m of new JsonLinesReader(child.stderr, { maxLineBytes: STDERR_LINE_BYTES })) {
      const text = m.type === 'LOG' ? m.log.message : JSON.stringify(m);
      stderrTail.push(text);
      if (stderrTail.length > 20) stderrTail.shift();
      log.info({ stream: 'stderr' }, redactText(text));
    }
  })().catch(() => undefined);

  const errors: AirbyteErrorTraceMessage[] = [];
  let finished = false;
  try {
    const startError = await spawnError;
    if (startError) {
      throw new ProoflineError(ErrorCode.CONNECTOR_FAILED, `cannot start connector ${options.label} (${inv.program}): ${startError.message}`, {
        cause: startError,
        hint: 'Check the `command` path (e.g. run scripts/setup-python.sh for .venv/bin/source-faker) or that docker is installed.',
      });
    }
    const reader = new JsonLinesReader(child.stdout, {
      logger: log,
      ...(options.maxLineBytes !== undefined && { maxLineBytes: options.maxLineBytes }),
      ...(options.onRejected && { onRejected: options.onRejected }),
    });
    for await (const msg of guard(reader, () => timedOut || aborted)) {
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
    const { code, signal } = timedOut || aborted ? { code: null, signal: null } : await closed;
    await stderrDone;
    if (timedOut) {
      throw new ProoflineError(ErrorCode.CONNECTOR_TIMEOUT, `connector ${options.label} did not finish within ${options.timeoutMs} ms and was killed`, {
        hint: 'Raise the source timeout_ms if the connector is just slow; records and state received before the timeout were kept.',
      });
    }
    if (aborted) throw new ProoflineError(ErrorCode.CONNECTOR_FAILED, `connector ${options.label} was cancelled`);
    if (errors.length) {
      const first = errors[0]!;
      throw new ProoflineError(
        // The connector's own failure_type picks the code, and so whether it is transient.
        first.failure_type === 'config_error' ? ErrorCode.CONFIG_INVALID : first.failure_type === 'transient_error' ? ErrorCode.SOURCE_UNAVAILABLE : ErrorCode.CONNECTOR_FAILED,
        `connector ${options.label} reported an error: ${redactText(errors.map((e) => e.message).join('; '))}${code ? ` (exit code ${code})` : ''}`,
        { hint: first.internal_message ? redactText(first.internal_message) : undefined },
      );
    }
    if (code !== 0) {
      const why = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
      const tail = stderrTail.slice(-5).join('\n  ');
      throw new ProoflineError(ErrorCode.CONNECTOR_FAILED, `connector ${options.label} ${why}${tail ? `; last output:\n  ${redactText(tail)}` : ''}`, {
        hint: 'Messages received before the failure were processed; state was saved only up to the last STATE the connector emitted.',
      });
    }
    finished = true;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (!finished) kill();
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
