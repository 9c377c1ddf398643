import { serverMessage } from '../common/server-message.js';
import { isProoflineError } from '../errors.js';
import { classifyConnectionError } from '../store/connection.js';
import { codeOfDriverError } from '../store/driver-errors.js';

/** The message a failed stream or run records: the code first, in one line (the server's trace stays in the debug log). */
export function failureText(e: unknown, uri: string): string {
  const classified = isProoflineError(e) ? e : codeOfDriverError(e) ? classifyConnectionError(e, uri) : undefined;
  return (classified ? `[${classified.code}] ${serverMessage(classified)}` : serverMessage(e)).split(/\r?\n/)[0]!;
}
