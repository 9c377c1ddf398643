import { describe, expect, it } from 'vitest';
import { isTransientError } from '../../../../src/errors.js';
import { connectorFailure, type ConnectorEnd } from '../../../../src/sources/airbyte/connector-outcome.js';

/** How a connector run ended, as the error its caller gets. */

const clean: ConnectorEnd = { label: 'source-x', timeoutMs: 1000, timedOut: false, aborted: false, errors: [], code: 0, signal: null, stderrTail: [] };

describe('connectorFailure', () => {
  it('is nothing for a clean exit', () => {
    expect(connectorFailure(clean)).toBeUndefined();
  });

  it('names the timeout before anything else', () => {
    const e = connectorFailure({ ...clean, timedOut: true, code: null, errors: [{ message: 'late' }] });
    expect(e).toMatchObject({ code: 'CONNECTOR_TIMEOUT', message: 'connector source-x did not finish within 1000 ms and was killed' });
  });

  it('lets the connector failure_type pick the code, and so whether a retry may help', () => {
    const transient = connectorFailure({ ...clean, code: 1, errors: [{ message: 'rate limited', failure_type: 'transient_error' }] })!;
    expect(transient.code).toBe('SOURCE_UNAVAILABLE');
    expect(isTransientError(transient)).toBe(true);
    const config = connectorFailure({ ...clean, errors: [{ message: 'bad key', failure_type: 'config_error', internal_message: 'KeyError' }] })!;
    expect(config).toMatchObject({ code: 'CONFIG_INVALID', message: 'connector source-x reported an error: bad key', hint: 'KeyError' });
    expect(isTransientError(config)).toBe(false);
  });

  it('explains a failed exit with the last stderr lines, credentials removed', () => {
    const e = connectorFailure({ ...clean, code: 3, stderrTail: ['connecting to mongodb://u:S3cret@h:1/', 'boom'] })!;
    expect(e.code).toBe('CONNECTOR_FAILED');
    expect(e.message).toContain('exited with code 3; last output:');
    expect(e.message).toContain('boom');
    expect(e.message).not.toContain('S3cret');
    expect(connectorFailure({ ...clean, code: null, signal: 'SIGKILL' })!.message).toBe('connector source-x was killed by SIGKILL');
  });
});
