import { describe, expect, it } from 'vitest';
import { loggedErrmsg, withoutProbeNoise } from '../../../src/report/environment.js';

// Lines as FerretDB v1.24 writes them to getLog (captured on the local stack).
const header = (id: number) => JSON.stringify({ l: 'WARN', msg: `Response header: length:   116, id:   ${id}, response_to:   15, opcode: OP_MSG`, t: { $date: '2026-11-27T14:43:59.730635528Z' } });
const reply = (errmsg: string) =>
  JSON.stringify({ l: 'WARN', msg: `Response message:\n{\n  "FlagBits": "[]",\n  "Sections": [\n    {\n      "Kind": 0,\n      "Document": {\n        "ok": 0.0,\n        "errmsg": ${JSON.stringify(errmsg)},\n        "code": 59,\n      },\n    },\n  ],\n}\n`, t: { $date: '2026-11-27T14:43:59.730676699Z' } });
const genuine = JSON.stringify({ l: 'WARN', msg: 'Connection stopped', t: { $date: '2026-11-27T14:43:59.8Z' } });

describe('probe noise in the server log excerpt', () => {
  it('reads the errmsg of a logged failed reply, unescaped', () => {
    expect(loggedErrmsg(reply('insert: unknown field "autocommit"'))).toBe('insert: unknown field "autocommit"');
    expect(loggedErrmsg(genuine)).toBeNull();
  });

  it("drops the probe's own failed replies with their headers, counts them, and keeps the rest", () => {
    const raw = [
      header(1),
      reply("no such command: 'dbHash'"),
      genuine,
      header(2),
      reply('create: support for field "validator" with value &{map[$jsonSchema:1] [{0x392fe931b4a0 $jsonSchema}] false 0} is not implemented yet'),
      header(3),
      reply("no such command: 'endSessions'"),
      header(4),
      reply("no such command: 'compact'"),
    ];
    const provoked = ["no such command: 'dbHash'", 'create: support for field "validator" with value &{map[$jsonSchema:1] [{0x392fe925d000 $jsonSchema}] false 0} is not implemented yet'];
    const { kept, filtered } = withoutProbeNoise(raw, provoked);
    expect(filtered).toBe(6);
    // A failure the probe did not cause is a genuine warning: it stays, with its header.
    expect(kept).toEqual([genuine, header(4), reply("no such command: 'compact'")]);
  });

  it("drops the sync's renameCollection dropTarget probe, sent from another process", () => {
    const raw = [header(5), reply('renameCollection: support for field "dropTarget" with non-default value true is not implemented yet'), genuine];
    expect(withoutProbeNoise(raw, [])).toEqual({ kept: [genuine], filtered: 2 });
  });
});
