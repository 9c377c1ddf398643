import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import type { Logger } from '../../common/logger.js';
import { redactText } from '../../common/redact.js';
import { JsonLinesReader } from '../../protocol/jsonl-reader.js';
import type { Invocation } from './invocation.js';

/**
 * One connector child process and its lifetime: started in its own process group (so a
 * timeout also kills the connector's children: a shell wrapper's `sleep` would otherwise
 * keep the pipe open), killed with SIGTERM then SIGKILL after a grace, on a timeout or on
 * the caller's abort signal. Its stderr goes to proofline's log, and the last lines are
 * kept to explain a failed exit.
 */

const STDERR_LINE_BYTES = 1024 * 1024;
const STDERR_TAIL_LINES = 20;

export interface ProcessOptions {
  timeoutMs: number;
  /** Grace between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  signal?: AbortSignal;
  log: Logger;
}

export class ConnectorProcess {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** Resolves with the start error, or undefined once the process runs. */
  readonly spawnError: Promise<Error | undefined>;
  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly stderrTail: string[] = [];
  /** Ends when stderr does; what it read is logged. */
  readonly stderrDone: Promise<void>;
  timedOut = false;
  aborted = false;
  private killing = false;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = (): void => {
    this.aborted = true;
    this.kill();
  };

  constructor(
    inv: Invocation,
    private readonly o: ProcessOptions,
  ) {
    this.child = spawn(inv.program, inv.args, { env: { ...process.env, ...inv.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.spawnError = once(this.child, 'spawn').then(
      () => undefined,
      (e: Error) => e,
    );
    this.closed = new Promise((resolve) => this.child.on('close', (code, signal) => resolve({ code, signal })));
    // A start failure is reported through spawnError; later 'error' events add nothing to the exit status.
    this.child.on('error', () => undefined);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      o.log.error({ timeout_ms: o.timeoutMs }, 'connector timed out; killing it');
      this.kill();
    }, o.timeoutMs);
    o.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.stderrDone = this.logStderr();
  }

  /** Was the output cut on purpose (timeout, abort)? Then a broken pipe is not the connector's failure. */
  get tornDown(): boolean {
    return this.timedOut || this.aborted;
  }

  kill(): void {
    if (this.killing) return;
    this.killing = true;
    this.signalGroup('SIGTERM');
    setTimeout(() => {
      this.signalGroup('SIGKILL');
      // Whatever still holds the pipes open, stop waiting for it.
      this.child.stdout.destroy();
      this.child.stderr.destroy();
    }, this.o.killGraceMs ?? 5_000).unref();
  }

  /** Stop the clock and the abort listener; kill the process unless it finished. */
  dispose(finished: boolean): void {
    clearTimeout(this.timer);
    this.o.signal?.removeEventListener('abort', this.onAbort);
    if (!finished) this.kill();
  }

  private signalGroup(sig: NodeJS.Signals): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, sig);
    } catch {
      // The group is gone or was never made: signal the child alone.
      this.child.kill(sig);
    }
  }

  private async logStderr(): Promise<void> {
    try {
      for await (const m of new JsonLinesReader(this.child.stderr, { maxLineBytes: STDERR_LINE_BYTES })) {
        const text = m.type === 'LOG' ? m.log.message : JSON.stringify(m);
        this.stderrTail.push(text);
        if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
        this.o.log.info({ stream: 'stderr' }, redactText(text));
      }
    } catch {
      // stderr torn down by a kill: what it said before is logged, and the exit status says the rest.
    }
  }
}
