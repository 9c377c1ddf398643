import { describe, expect, it } from 'vitest';
import { classifyConnectionError } from '../../../src/store/connection.js';
import { ErrorCode } from '../../../src/errors.js';

/** Driver errors are mapped to one code per failure kind, and never leak the URI's password. */

const uri = 'mongodb://ops:VerySecret@db.example:27017/admin';
const withCause = (message: string, cause: Error): Error => Object.assign(new Error(message), { cause });

describe('classifyConnectionError', () => {
  it.each([
    [withCause('Server selection timed out', new Error('connect ECONNREFUSED 127.0.0.1:27017')), ErrorCode.CONNECTION_REFUSED, true],
    [new Error('getaddrinfo ENOTFOUND db.example'), ErrorCode.HOST_UNREACHABLE, true],
    [Object.assign(new Error('Authentication failed.'), { code: 18, codeName: 'AuthenticationFailed' }), ErrorCode.AUTH_FAILED, false],
    [new Error('self-signed certificate in certificate chain'), ErrorCode.TLS_FAILED, false],
    [new Error('Server selection timed out after 5000 ms'), ErrorCode.SERVER_TIMEOUT, true],
    [new Error('something odd'), ErrorCode.SERVER_ERROR, true],
  ])('classifies %s', (error, code, transient) => {
    const e = classifyConnectionError(error, uri);
    expect(e.code).toBe(code);
    expect(e.transient).toBe(transient);
    expect(e.message).toContain('db.example:27017');
    expect(e.message).not.toContain('VerySecret');
  });
});
