import { redactText } from '../../common/redact.js';
import { ErrorCode, ProoflineError } from '../../errors.js';
import type { AirbyteErrorTraceMessage } from '../../protocol/messages.js';

/**
 * How a connector run ended, as the error the caller gets (undefined: it succeeded). A
 * timeout, a cancel, a TRACE error (its failure_type picks the code, and so whether it is
 * transient) or a non-zero exit, each with the connector's own words.
 */

export interface ConnectorEnd {
  label: string;
  timeoutMs: number;
  timedOut: boolean;
  aborted: boolean;
  errors: AirbyteErrorTraceMessage[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string[];
}

export function connectorFailure(end: ConnectorEnd): ProoflineError | undefined {
  const { label, code, signal } = end;
  if (end.timedOut) {
    return new ProoflineError(ErrorCode.CONNECTOR_TIMEOUT, `connector ${label} did not finish within ${end.timeoutMs} ms and was killed`, {
      hint: 'Raise the source timeout_ms if the connector is just slow; records and state received before the timeout were kept.',
    });
  }
  if (end.aborted) return new ProoflineError(ErrorCode.CONNECTOR_FAILED, `connector ${label} was cancelled`);
  if (end.errors.length) {
    const first = end.errors[0]!;
    return new ProoflineError(
      first.failure_type === 'config_error' ? ErrorCode.CONFIG_INVALID : first.failure_type === 'transient_error' ? ErrorCode.SOURCE_UNAVAILABLE : ErrorCode.CONNECTOR_FAILED,
      `connector ${label} reported an error: ${redactText(end.errors.map((e) => e.message).join('; '))}${code ? ` (exit code ${code})` : ''}`,
      { hint: first.internal_message ? redactText(first.internal_message) : undefined },
    );
  }
  if (code !== 0) {
    const why = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = end.stderrTail.slice(-5).join('\n  ');
    return new ProoflineError(ErrorCode.CONNECTOR_FAILED, `connector ${label} ${why}${tail ? `; last output:\n  ${redactText(tail)}` : ''}`, {
      hint: 'Messages received before the failure were processed; state was saved only up to the last STATE the connector emitted.',
    });
  }
  return undefined;
}
