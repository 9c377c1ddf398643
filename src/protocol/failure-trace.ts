import { redactText } from '../common/redact.js';
import { errorMessage, isUsageOrConfigError } from '../errors.js';
import { errorTraceMessage, type AirbyteErrorTraceMessage, type TraceMessage } from './messages.js';

/**
 * How a connector command (`source … read`, `destination … write`) reports the error that
 * ends it: a TRACE ERROR whose failure_type tells Airbyte whether to fix the config,
 * retry, or page someone. The message is redacted: it may quote a URI.
 */

export function failureTypeOf(e: unknown): NonNullable<AirbyteErrorTraceMessage['failure_type']> {
  if (isUsageOrConfigError(e)) return 'config_error';
  // Any error flagged transient (ours, or a wrapped driver error) is worth Airbyte's retry.
  return e && (e as { transient?: boolean }).transient ? 'transient_error' : 'system_error';
}

export function failureTrace(e: unknown): { message: string; trace: TraceMessage } {
  const message = redactText(errorMessage(e));
  return { message, trace: errorTraceMessage(message, { failureType: failureTypeOf(e) }) };
}
