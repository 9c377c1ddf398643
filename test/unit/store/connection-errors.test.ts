import { MongoNetworkError, MongoNetworkTimeoutError, MongoParseError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { classifyConnectionError } from '../../../src/store/connection.js';
import { codeOfDriverError, isDocumentRefusal } from '../../../src/store/driver-errors.js';
import { ErrorCode } from '../../../src/errors.js';

/**
 * Driver errors are mapped by class, server code, label and OS error code (never by the
 * message text, except FerretDB's code-less backend errors) to one code per failure kind,
 * and never leak the URI's password.
 */

const uri = 'mongodb://ops:VerySecret@db.example:27017/admin';
const os = (code: string): Error => Object.assign(new Error(`${code} happened`), { code });
const selection = (cause: Error): MongoServerSelectionError =>
  new MongoServerSelectionError('Server selection timed out after 5000 ms', { servers: new Map([['db.example:27017', { error: new MongoNetworkError('connect failed', { cause }) }]]) } as never);
const server = (doc: Record<string, unknown>): MongoServerError => new MongoServerError(doc as never);
const ferretBackendLost = server({
  code: 1,
  codeName: 'InternalError',
  message: '[msg_insert.go:168 handler.(*Handler).MsgInsert] failed to connect to `user=postgres database=ferretdb`:\n\t127.0.0.1:54430 (127.0.0.1): dial error: connect: connection refused',
});
const ferretRefusesNul = server({ code: 1, codeName: 'InternalError', message: '[msg_insert.go:168 handler.(*Handler).MsgInsert] ERROR: unsupported Unicode escape sequence (SQLSTATE 22P05)' });

describe('codeOfDriverError and classifyConnectionError', () => {
  it.each([
    ['server selection, refused', selection(os('ECONNREFUSED')), ErrorCode.CONNECTION_REFUSED, true],
    ['server selection, DNS', selection(os('ENOTFOUND')), ErrorCode.HOST_UNREACHABLE, true],
    ['server selection, TLS', selection(os('DEPTH_ZERO_SELF_SIGNED_CERT')), ErrorCode.TLS_FAILED, false],
    ['server selection, nothing more', new MongoServerSelectionError('Server selection timed out after 5000 ms', { servers: new Map() } as never), ErrorCode.SERVER_TIMEOUT, true],
    ['network timeout', new MongoNetworkTimeoutError('connection 3 to db.example:27017 timed out'), ErrorCode.SERVER_TIMEOUT, true],
    ['network reset', new MongoNetworkError('connection 3 to db.example:27017 closed', { cause: os('ECONNRESET') }), ErrorCode.CONNECTION_REFUSED, true],
    ['auth (code 18)', server({ code: 18, codeName: 'AuthenticationFailed', message: 'Authentication failed.' }), ErrorCode.AUTH_FAILED, false],
    ['primary stepped down (code 189)', server({ code: 189, codeName: 'PrimarySteppedDown', message: 'stepped down' }), ErrorCode.SERVER_TIMEOUT, true],
    ['RetryableWriteError label', server({ code: 999, message: 'odd', errorLabels: ['RetryableWriteError'] }), ErrorCode.SERVER_TIMEOUT, true],
    ['FerretDB lost PostgreSQL', ferretBackendLost, ErrorCode.CONNECTION_REFUSED, true],
    ['FerretDB refuses a value', ferretRefusesNul, ErrorCode.SERVER_ERROR, false],
    ['URI parse', new MongoParseError('Invalid scheme'), ErrorCode.CONFIG_INVALID, false],
  ])('%s', (_name, error, code, transient) => {
    expect(codeOfDriverError(error)).toBe(code);
    const e = classifyConnectionError(error, uri);
    expect(e.code).toBe(code);
    expect(e.transient).toBe(transient);
    expect(e.message).not.toContain('VerySecret');
    expect(e.message).not.toMatch(/\n|\.go:\d+/);
  });

  it('does not read the message text of an error without a class or code', () => {
    expect(codeOfDriverError(new Error('connect ECONNREFUSED 127.0.0.1:27017'))).toBeUndefined();
    expect(classifyConnectionError(new Error('Authentication failed'), uri).code).toBe(ErrorCode.SERVER_ERROR);
  });

  it('tells a refused document (split the batch) from a lost backend (retry it)', () => {
    expect(isDocumentRefusal(ferretRefusesNul)).toBe(true);
    expect(isDocumentRefusal(ferretBackendLost)).toBe(false);
    expect(isDocumentRefusal(new MongoNetworkTimeoutError('timed out'))).toBe(false);
  });
});
