import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { AirbyteMessage } from './messages.js';

/**
 * Writes Airbyte messages as JSON lines (stdout by default). `write` resolves once the
 * stream can take more: a slow reader (Airbyte's orchestrator, a pipe into another
 * connector) slows proofline down instead of growing an unbounded buffer in memory.
 */
export class MessageWriter {
  private closedError: Error | undefined;

  constructor(private readonly out: Writable = process.stdout) {
    // A closed pipe (EPIPE) must end the command with an error, not crash the process.
    out.on('error', (e: Error) => {
      this.closedError = e;
    });
  }

  async write(message: AirbyteMessage): Promise<void> {
    if (this.closedError) throw this.closedError;
    if (!this.out.write(`${JSON.stringify(message)}\n`)) {
      await Promise.race([once(this.out, 'drain'), once(this.out, 'close')]);
    }
    if (this.closedError) throw this.closedError;
  }

  async writeAll(messages: Iterable<AirbyteMessage> | AsyncIterable<AirbyteMessage>): Promise<number> {
    let n = 0;
    for await (const m of messages) {
      await this.write(m);
      n += 1;
    }
    return n;
  }
}
