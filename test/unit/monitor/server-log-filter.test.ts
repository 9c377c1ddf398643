import { describe, expect, it } from 'vitest';
import { filterServerLog, leftOutText, loggedErrmsg, parseLogLine } from '../../../src/monitor/server-log.js';

// Lines as FerretDB v1.24 writes them to getLog (captured on the local stack).
const header = (id: number) => JSON.stringify({ l: 'WARN', msg: `Response header: length:   116, id:   ${id}, response_to:   15, opcode: OP_MSG`, t: { $date: '2026-11-27T14:43:59.730635528Z' } });
const reply = (errmsg: string) =>
  JSON.stringify({ l: 'WARN', msg: `Response message:\n{\n  "FlagBits": "[]",\n  "Sections": [\n    {\n      "Kind": 0,\n      "Document": {\n        "ok": 0.0,\n        "errmsg": ${JSON.stringify(errmsg)},\n        "code": 59,\n      },\n    },\n  ],\n}\n`, t: { $date: '2026-11-27T14:43:59.730676699Z' } });
const stopped = JSON.stringify({ l: 'WARN', msg: 'Connection stopped', t: { $date: '2026-11-27T14:43:59.8Z' } });
const genuine = JSON.stringify({ l: 'ERROR', msg: 'pgdb: connection refused', t: { $date: '2026-11-27T14:44:00.0Z' } });

describe("leaving proofline's own noise out of the server log", () => {
  it('reads the errmsg of a logged failed reply, unescaped', () => {
    expect(loggedErrmsg(reply('insert: unknown field "autocommit"'))).toBe('insert: unknown field "autocommit"');
    expect(loggedErrmsg(stopped)).toBeNull();
  });

  it("drops the probe's failed replies with their headers, session housekeeping and disconnects, counted by reason; the counts add up", () => {
    const raw = [
      header(1),
      reply("no such command: 'dbHash'"),
      stopped,
      header(2),
      reply('create: support for field "validator" with value &{map[$jsonSchema:1] [{0x392fe931b4a0 $jsonSchema}] false 0} is not implemented yet'),
      header(3),
      reply("no such command: 'endSessions'"),
      header(4),
      reply("no such command: 'compact'"),
      genuine,
    ];
    const provoked = ["no such command: 'dbHash'", 'create: support for field "validator" with value &{map[$jsonSchema:1] [{0x392fe925d000 $jsonSchema}] false 0} is not implemented yet'];
    const f = filterServerLog(raw, provoked);
    expect(f.leftOut).toEqual({ probe: 4, housekeeping: 2, connection: 1 });
    // A failure the probe did not cause is a genuine warning: it stays, with its header.
    expect(f.kept).toEqual([header(4), reply("no such command: 'compact'"), genuine].map(parseLogLine));
    expect(f.kept.length + Object.values(f.leftOut).reduce((a, n) => a + n, 0)).toBe(f.scanned);
    expect(leftOutText(f.leftOut)).toMatch(/^4 failed replies to proofline's own capability probes .*; 2 the driver's session housekeeping .*; 1 client disconnects/);
  });

  it("drops the monitor history's TTL index request, which FerretDB refuses (captured on the dashboard)", () => {
    const raw = [header(6), reply('Index option "expireAfterSeconds" is not implemented yet'), genuine];
    const f = filterServerLog(raw, []);
    expect(f.leftOut).toEqual({ probe: 2 });
    expect(f.kept).toEqual([parseLogLine(genuine)]);
  });

  it("drops the sync's renameCollection dropTarget probe, sent from another process", () => {
    const raw = [header(5), reply('renameCollection: support for field "dropTarget" with non-default value true is not implemented yet'), genuine];
    expect(filterServerLog(raw, [])).toMatchObject({ kept: [parseLogLine(genuine)], leftOut: { probe: 2 }, scanned: 3 });
  });
});
