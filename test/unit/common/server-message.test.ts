import { describe, expect, it } from 'vitest';
import { firstSentence, serverMessage, withoutInternals } from '../../../src/common/server-message.js';

/** Server errors as users read them: the first sentence, never a Go struct dump. */

describe('server messages', () => {
  it("keeps FerretDB's sentence and drops the struct dump it quotes", () => {
    const raw = 'create: support for field "validator" with value &{map[$jsonSchema:1] [{0x2c4f3021cf90 $jsonSchema}] false 0} is not implemented yet';
    expect(serverMessage(new Error(raw))).toBe('create: support for field "validator" is not implemented yet');
  });

  it('drops the Go call site prefix and keeps only the first sentence', () => {
    const raw = '[msg_create.go:137 handler.(*Handler).MsgCreate] Invalid collection name: x$y. Collection names must not contain $. See the docs.';
    expect(serverMessage(raw)).toBe('Invalid collection name: x$y');
  });

  it('replaces a dump that no "with value" introduces, and raw pointers', () => {
    expect(withoutInternals('bad filter map[a:1 b:map[c:2]] at 0x2c4f3021cf90')).toBe('bad filter … at 0x…');
    expect(withoutInternals('no dump here: {a: 1}')).toBe('no dump here: {a: 1}');
  });

  it('leaves decimals, URLs and plain messages alone', () => {
    expect(firstSentence('lag 1.5 s over https://example.org/x.y')).toBe('lag 1.5 s over https://example.org/x.y');
    expect(serverMessage(new Error('unknown top level operator: $jsonSchema'))).toBe('unknown top level operator: $jsonSchema');
  });

  it('redacts credentials before anything else', () => {
    expect(serverMessage(new Error('cannot reach mongodb://alice:s3cret@db.example:27017/x'))).not.toContain('s3cret');
  });
});
