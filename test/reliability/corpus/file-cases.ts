/**
 * The bad-input corpus for files: each case is one input and the outcome it must have.
 * `stored`: the record is stored exactly as given (identity mapping; `_id` and lineage
 * aside). `rejected`: it is in the quarantine under its file and row, with this rule.
 * `skipped`: it is not a record (a blank line, an empty file) and is not counted as read.
 * Whole-file problems (a header no document can hold, bytes that are not UTF-8) reject
 * the file as one record at row 0, naming the file.
 */

export type Outcome = { stored: Record<string, unknown> } | { rejected: string } | { skipped: true };

export interface LineCase {
  name: string;
  /** The raw bytes of one line, without its end. */
  line: Buffer;
  outcome: Outcome;
}

const text = (s: string): Buffer => Buffer.from(s, 'utf8');

/** One JSONL line per case; the case's row is its line number. */
export const JSONL_CASES: LineCase[] = [
  { name: 'a plain record', line: text('{"id":1,"note":"plain"}'), outcome: { stored: { id: 1, note: 'plain' } } },
  { name: 'a NUL inside a string (FerretDB refuses the whole bulk write)', line: text('{"id":2,"note":"a\\u0000b"}'), outcome: { rejected: 'server_rejected' } },
  { name: 'binary garbage', line: Buffer.from([1, 2, 3, 0x67, 0x61, 0x72, 0x62, 0x7f]), outcome: { rejected: 'parse' } },
  { name: 'truncated JSON', line: text('{"id":4,"note":"unterminated'), outcome: { rejected: 'parse' } },
  { name: 'a top-level __proto__ key', line: text('{"id":5,"__proto__":{"x":1}}'), outcome: { rejected: 'unstorable_key' } },
  { name: 'a user field _raw', line: text('{"id":6,"_raw":"x"}'), outcome: { rejected: 'reserved_key' } },
  { name: 'a user field _ab_cdc', line: text('{"id":7,"_ab_cdc":"x"}'), outcome: { rejected: 'reserved_key' } },
  { name: 'a user field _pl_x', line: text('{"id":8,"_pl_x":"x"}'), outcome: { rejected: 'reserved_key' } },
  { name: 'a user field _proofline_error (never a rule name from the data)', line: text('{"id":9,"_proofline_error":"boom"}'), outcome: { rejected: 'reserved_key' } },
  { name: 'a lone UTF-16 surrogate', line: text('{"id":10,"note":"\\ud800"}'), outcome: { rejected: 'invalid_unicode' } },
  { name: '2^64, outside the 64-bit range', line: text('{"id":11,"n":18446744073709551616}'), outcome: { rejected: 'unsafe_integer' } },
  { name: '2^53 + 1, kept exact as Int64', line: text('{"id":12,"n":9007199254740993}'), outcome: { stored: { id: 12, n: 9007199254740993n } } },
  { name: '-1e400 (parses to -Infinity)', line: text('{"id":13,"t":-1e400}'), outcome: { rejected: 'unrepresentable' } },
  { name: '1e400 (parses to Infinity)', line: text('{"id":14,"t":1e400}'), outcome: { rejected: 'unrepresentable' } },
  { name: 'a key starting with $', line: text('{"id":15,"$set":1}'), outcome: { rejected: 'server_rejected' } },
  { name: 'a key holding a dot', line: text('{"id":16,"a.b":1}'), outcome: { rejected: 'server_rejected' } },
  { name: 'a key holding NUL', line: text('{"id":17,"k\\u0000":1}'), outcome: { rejected: 'unstorable_key' } },
  { name: 'a top-level array', line: text('[1,2,3]'), outcome: { rejected: 'parse' } },
  { name: 'a top-level number', line: text('42'), outcome: { rejected: 'parse' } },
  { name: 'a top-level string', line: text('"hello"'), outcome: { rejected: 'parse' } },
  { name: 'a top-level null', line: text('null'), outcome: { rejected: 'parse' } },
  { name: 'an empty object', line: text('{}'), outcome: { stored: {} } },
  { name: 'nesting 50 deep (within the limit)', line: text(`{"id":23,${'"a":{'.repeat(50)}"z":1${'}'.repeat(50)}}`), outcome: { stored: { id: 23, a: nested(50) } } },
  { name: 'nesting 120 deep (over 100 levels)', line: text(`{"id":24,${'"a":{'.repeat(120)}"z":1${'}'.repeat(120)}}`), outcome: { rejected: 'too_deep' } },
  { name: 'non-ASCII text and an emoji', line: text('{"id":25,"note":"żółw 🐢"}'), outcome: { stored: { id: 25, note: 'żółw 🐢' } } },
  { name: 'a NUL in a nested string', line: text('{"id":26,"o":{"p":"x\\u0000"}}'), outcome: { rejected: 'server_rejected' } },
  { name: 'a key given twice (JSON: the last wins)', line: text('{"id":27,"k":1,"k":2}'), outcome: { stored: { id: 27, k: 2 } } },
  { name: 'a trailing comma', line: text('{"id":28,}'), outcome: { rejected: 'parse' } },
  { name: 'a NaN literal', line: text('{"id":29,"v":NaN}'), outcome: { rejected: 'parse' } },
  { name: 'single quotes', line: text("{'id':30}"), outcome: { rejected: 'parse' } },
  { name: 'invalid UTF-8 bytes', line: Buffer.concat([text('{"id":31,"note":"bad '), Buffer.from([0xff, 0xfe]), text(' utf8"}')]), outcome: { rejected: 'invalid_utf8' } },
  { name: 'a blank line', line: text(''), outcome: { skipped: true } },
  { name: 'a line ending in CR (CRLF file)', line: text('{"id":33,"note":"crlf"}\r'), outcome: { stored: { id: 33, note: 'crlf' } } },
  { name: 'a deep array of 150 levels', line: text(`{"id":34,"v":${'['.repeat(150)}${']'.repeat(150)}}`), outcome: { rejected: 'too_deep' } },
  { name: 'an exponent and a fraction', line: text('{"id":35,"e":1.5e3,"f":0.1}'), outcome: { stored: { id: 35, e: 1500, f: 0.1 } } },
  { name: 'nesting 10,000 deep', line: text(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`), outcome: { rejected: 'too_deep' } },
  { name: 'an array 100,000 deep', line: text(`{"id":38,"v":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), outcome: { rejected: 'too_deep' } },
  { name: 'a line longer than max_line_bytes (1 MiB here; 32 MiB by default), read in chunks', line: text(`{"id":39,"blob":"${'y'.repeat(2 * 1024 * 1024)}"}`), outcome: { rejected: 'too_large' } },
  { name: 'a record after all the bad ones', line: text('{"id":36,"note":"end"}'), outcome: { stored: { id: 36, note: 'end' } } },
];

function nested(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { z: 1 };
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

export interface FileCase {
  name: string;
  file: string;
  bytes: Buffer;
  /** Outcome per data row (row 1 is the first line after the header), or one whole-file reject at row 0. */
  rows: Array<{ row: number; outcome: Outcome }>;
}

/** One CSV file per case. */
export const CSV_CASES: FileCase[] = [
  { name: 'plain and quoted fields', file: 'ok.csv', bytes: text('id,note\n1,plain\n2,"quoted, comma"\n'), rows: [{ row: 2, outcome: { stored: { id: '1', note: 'plain' } } }, { row: 3, outcome: { stored: { id: '2', note: 'quoted, comma' } } }] },
  { name: 'a UTF-8 BOM', file: 'bom.csv', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), text('id,note\n3,bom\n')]), rows: [{ row: 2, outcome: { stored: { id: '3', note: 'bom' } } }] },
  { name: 'a duplicate column in the header', file: 'dup_header.csv', bytes: text('id,note,note\n4,a,b\n'), rows: [{ row: 0, outcome: { rejected: 'parse' } }] },
  { name: 'rows with too many and too few columns', file: 'ragged.csv', bytes: text('id,note\n5,a,extra\n6\n7,ok\n'), rows: [{ row: 2, outcome: { rejected: 'parse' } }, { row: 3, outcome: { rejected: 'parse' } }, { row: 4, outcome: { stored: { id: '7', note: 'ok' } } }] },
  { name: 'a quote never closed', file: 'bad_quote.csv', bytes: text('id,note\n8,"unterminated\n9,ok\n'), rows: [{ row: 3, outcome: { rejected: 'parse' } }] },
  { name: 'an empty file', file: 'empty.csv', bytes: text(''), rows: [] },
  { name: 'a header and no rows', file: 'header_only.csv', bytes: text('id,note\n'), rows: [] },
  { name: 'bytes that are not UTF-8', file: 'bad_utf8.csv', bytes: Buffer.concat([text('id,note\n10,'), Buffer.from([0xff, 0xfe]), text('\n11,fine\n')]), rows: [{ row: 0, outcome: { rejected: 'parse' } }] },
  { name: 'a __proto__ column', file: 'proto.csv', bytes: text('id,__proto__\n12,x\n'), rows: [{ row: 0, outcome: { rejected: 'parse' } }] },
  { name: 'a reserved column _raw', file: 'reserved.csv', bytes: text('id,_raw\n13,x\n'), rows: [{ row: 0, outcome: { rejected: 'parse' } }] },
  { name: 'a NUL in a cell', file: 'nul.csv', bytes: text('id,note\n14,a\u0000b\n15,ok\n'), rows: [{ row: 2, outcome: { rejected: 'server_rejected' } }, { row: 3, outcome: { stored: { id: '15', note: 'ok' } } }] },
  { name: 'CRLF line ends', file: 'crlf.csv', bytes: text('id,note\r\n16,crlf\r\n'), rows: [{ row: 2, outcome: { stored: { id: '16', note: 'crlf' } } }] },
  { name: 'a column starting with $', file: 'dollar.csv', bytes: text('id,$x\n17,1\n'), rows: [{ row: 2, outcome: { rejected: 'server_rejected' } }] },
  { name: '2^64 in a cell (kept as its text)', file: 'big_int.csv', bytes: text('id,n\n18,18446744073709551616\n'), rows: [{ row: 2, outcome: { stored: { id: '18', n: '18446744073709551616' } } }] },
];

const rawLine = (id: string, data: string): Buffer => text(`{"_airbyte_raw_id":"${id}","_airbyte_extracted_at":"2024-10-27T08:00:00.000Z","_airbyte_meta":{"changes":[]},"_airbyte_data":${data}}`);

/** Airbyte raw records (a destination's `_airbyte_data` tables exported as JSONL), one per line. */
export const AIRBYTE_RAW_CASES: LineCase[] = [
  { name: 'a raw record', line: rawLine('a1', '{"id":1,"note":"ok"}'), outcome: { stored: { id: 1, note: 'ok' } } },
  { name: 'no _airbyte_data', line: text('{"_airbyte_raw_id":"a2","_airbyte_extracted_at":"2024-10-27T08:00:00.000Z"}'), outcome: { rejected: 'parse' } },
  { name: '_airbyte_data is an array', line: text('{"_airbyte_raw_id":"a3","_airbyte_data":[1,2]}'), outcome: { rejected: 'parse' } },
  { name: '_airbyte_data is text that is not JSON', line: text('{"_airbyte_raw_id":"a4","_airbyte_data":"text"}'), outcome: { rejected: 'parse' } },
  { name: 'a NUL inside the data', line: rawLine('a5', '{"id":5,"note":"a\\u0000b"}'), outcome: { rejected: 'server_rejected' } },
  { name: '__proto__ inside the data', line: rawLine('a6', '{"id":6,"__proto__":{"x":1}}'), outcome: { rejected: 'unstorable_key' } },
  { name: 'a user field _ab_x inside the data', line: rawLine('a7', '{"id":7,"_ab_x":1}'), outcome: { rejected: 'reserved_key' } },
  { name: '-1e400 inside the data', line: rawLine('a8', '{"id":8,"t":-1e400}'), outcome: { rejected: 'unrepresentable' } },
  { name: '2^64 inside the data', line: rawLine('a9', '{"id":9,"n":18446744073709551616}'), outcome: { rejected: 'unsafe_integer' } },
  { name: 'a truncated raw record', line: text('{"_airbyte_raw_id":"a10","_airbyte_data":{"id":10}'), outcome: { rejected: 'parse' } },
  { name: 'nested data', line: rawLine('a11', '{"id":11,"nested":{"ok":true}}'), outcome: { stored: { id: 11, nested: { ok: true } } } },
  { name: 'no _airbyte_raw_id', line: text('{"_airbyte_data":{"id":12,"note":"no raw id"}}'), outcome: { stored: { id: 12, note: 'no raw id' } } },
  { name: '_airbyte_data null', line: text('{"_airbyte_raw_id":"a13","_airbyte_data":null}'), outcome: { rejected: 'parse' } },
  { name: 'a lone surrogate inside the data', line: rawLine('a14', '{"id":14,"note":"\\ud800"}'), outcome: { rejected: 'invalid_unicode' } },
  { name: 'an Airbyte protocol RECORD message instead of a raw record', line: text('{"type":"RECORD","record":{"stream":"s","data":{"id":15},"emitted_at":1}}'), outcome: { rejected: 'parse' } },
  { name: 'a dotted key inside the data', line: rawLine('a16', '{"id":16,"a.b":1}'), outcome: { rejected: 'server_rejected' } },
  { name: 'a raw record after the bad ones', line: rawLine('a17', '{"id":17,"note":"last"}'), outcome: { stored: { id: 17, note: 'last' } } },
];

const icRow = (hour: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id_station: '07015', dh_utc: `2024-10-25 ${String(hour).padStart(2, '0')}:00:00`, temperature: '10.5', humidite: '80', ...extra });
const icPayload = (hourly: unknown): Buffer => text(JSON.stringify({ status: 'OK', errors: [], hourly }));
const BIG = 'x'.repeat(10 * 1024 * 1024);

/** InfoClimat payload files; a row's number is its place in its station's list. */
export const INFOCLIMAT_CASES: FileCase[] = [
  { name: 'a payload with a _params key', file: 'infoclimat_ok.json', bytes: icPayload({ '07015': [icRow(1)], _params: ['temperature'] }), rows: [{ row: 1, outcome: { stored: icRow(1) } }] },
  { name: 'a UTF-8 BOM', file: 'infoclimat_bom.json', bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), icPayload({ '07015': [icRow(2)] })]), rows: [{ row: 1, outcome: { stored: icRow(2) } }] },
  {
    name: 'a station key __proto__ beside a real station',
    file: 'infoclimat_proto.json',
    bytes: text(`{"status":"OK","errors":[],"hourly":{"__proto__":[{"id_station":"x","dh_utc":"2024-10-25 03:00:00"}],"07015":[${JSON.stringify(icRow(3))}]}}`),
    rows: [
      { row: 1, outcome: { rejected: 'unstorable_key' } },
      { row: 1, outcome: { stored: icRow(3) } },
    ],
  },
  {
    name: 'a 10 MB string in a row',
    file: 'infoclimat_bigstr.json',
    bytes: icPayload({ '07015': [icRow(4, { temperature: BIG }), icRow(5)] }),
    rows: [
      { row: 1, outcome: { stored: icRow(4, { temperature: BIG }) } },
      { row: 2, outcome: { stored: icRow(5) } },
    ],
  },
  {
    name: 'a rejected row holding a 10 MB string (its quarantine document stays under 16 MB)',
    file: 'infoclimat_big_reject.json',
    bytes: icPayload({ '07015': [icRow(10, { temperature: `${BIG}\u0000` }), icRow(11)] }),
    rows: [
      { row: 1, outcome: { rejected: 'server_rejected' } },
      { row: 2, outcome: { stored: icRow(11) } },
    ],
  },
  { name: 'truncated JSON', file: 'infoclimat_broken.json', bytes: text('{"status":"OK","hourly":{'), rows: [{ row: 0, outcome: { rejected: 'parse' } }] },
  { name: 'neither hourly nor stations', file: 'infoclimat_nohourly.json', bytes: text('{"status":"OK"}'), rows: [{ row: 0, outcome: { rejected: 'parse' } }] },
  { name: 'hourly as an array', file: 'infoclimat_hourly_array.json', bytes: text('{"status":"OK","hourly":[1,2]}'), rows: [{ row: 0, outcome: { rejected: 'parse' } }] },
  {
    name: 'a row that is not an object',
    file: 'infoclimat_row_not_obj.json',
    bytes: icPayload({ '07015': ['oops', icRow(6)] }),
    rows: [
      { row: 1, outcome: { rejected: 'parse' } },
      { row: 2, outcome: { stored: icRow(6) } },
    ],
  },
  {
    name: 'a NUL in a value',
    file: 'infoclimat_nul.json',
    bytes: icPayload({ '07015': [icRow(7, { temperature: '1\u0000' }), icRow(8)] }),
    rows: [
      { row: 1, outcome: { rejected: 'server_rejected' } },
      { row: 2, outcome: { stored: icRow(8) } },
    ],
  },
  {
    name: 'bytes that are not UTF-8',
    file: 'infoclimat_bad_utf8.json',
    bytes: Buffer.concat([text('{"status":"OK","hourly":{"07015":[{"id_station":"07015","dh_utc":"2024-10-25 09:00:00","temperature":"'), Buffer.from([0xff]), text('"}]}}')]),
    rows: [{ row: 0, outcome: { rejected: 'parse' } }],
  },
];
