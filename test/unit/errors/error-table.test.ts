import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverMessage } from '../../../src/common/server-message.js';
import { ERROR_TABLE, ErrorCode, exitCodeOf, ProoflineError } from '../../../src/errors.js';

/** The error table is declared once in src/errors.ts, and docs/errors.md says the same. */

const doc = readFileSync(join(import.meta.dirname, '../../../docs/errors.md'), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| `([A-Z_]+)` \| (yes|no) \| (\d) \|/gm)].map((m) => [m[1]!, { transient: m[2] === 'yes', exitCode: Number(m[3]) }]),
);

describe('ERROR_TABLE', () => {
  it('lists every code, and docs/errors.md lists exactly the same codes', () => {
    expect(Object.keys(ERROR_TABLE).sort()).toEqual(Object.values(ErrorCode).sort());
    expect([...documented.keys()].sort()).toEqual(Object.values(ErrorCode).sort());
  });

  it.each(Object.values(ErrorCode))('%s: transient and exit code as documented', (code) => {
    expect({ transient: ERROR_TABLE[code].transient, exitCode: ERROR_TABLE[code].exitCode }).toEqual(documented.get(code));
    expect(ERROR_TABLE[code].hint.length).toBeGreaterThan(10);
  });

  it('decides transient and the default hint from the code, not the throw site', () => {
    const e = new ProoflineError(ErrorCode.CONNECTION_REFUSED, 'refused');
    expect(e.transient).toBe(true);
    expect(e.hint).toBe(ERROR_TABLE.CONNECTION_REFUSED.hint);
    expect(new ProoflineError(ErrorCode.AUTH_FAILED, 'no', { hint: 'specific' }).hint).toBe('specific');
    expect(exitCodeOf(new ProoflineError(ErrorCode.CONFIG_INVALID, 'bad'))).toBe(2);
    expect(exitCodeOf(new Error('x'))).toBe(1);
  });
});

describe('serverMessage of a FerretDB reply', () => {
  it("keeps the reason and drops the Go call stack and the lines after it", () => {
    const raw = '[msg_insert.go:168 handler.(*Handler).MsgInsert] failed to connect to `user=postgres database=ferretdb`:\n\t127.0.0.1:54430 (127.0.0.1): dial error: connection refused';
    expect(serverMessage(raw)).toBe('failed to connect to `user=postgres database=ferretdb`:');
  });
});
