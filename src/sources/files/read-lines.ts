import type { Readable } from 'node:stream';
import type { JsonObject } from '../../protocol/messages.js';
import { errorMessage } from '../../errors.js';
import { parseErrorData, rejectData } from '../source.js';
import { parseExactJson, UnsafeIntegerError } from '../exact-json.js';
import { inputProblem, stripBom } from '../input-checks.js';
import { limitedLines } from './limited-lines.js';

/**
 * JSON Lines, streamed line by line: memory holds one line, at most `maxLineBytes` of it.
 * A line that is not a JSON object, is longer than the maximum (`too_large`), is not
 * UTF-8 (`invalid_utf8`), holds an integer that cannot be stored exactly
 * (`unsafe_integer`) or a key that cannot be stored (input-checks.ts) becomes a reject
 * record with its line number and raw text; blank lines are not records. A BOM is
 * stripped. `unwrapAirbyte` reads Airbyte raw records (`_airbyte_data`).
 */

/** 32 MiB: twice the 16 MiB BSON document limit; a longer line could never be one document. */
export const DEFAULT_MAX_LINE_BYTES = 32 * 1024 * 1024;

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export async function* readJsonLines(input: Readable, rel: string, unwrapAirbyte: boolean, maxLineBytes = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<JsonObject> {
  for await (const line of limitedLines(input, maxLineBytes)) {
    const n = line.n;
    if (line.kind === 'oversized') {
      yield rejectData(rel, n, 'too_large', `line ${n} has ${line.bytes} bytes, over the maximum of ${maxLineBytes} (max_line_bytes): not read`, line.prefix);
      continue;
    }
    if (line.kind === 'invalid_utf8') {
      yield rejectData(rel, n, 'invalid_utf8', `line ${n} is not valid UTF-8`, line.prefix);
      continue;
    }
    const text = n === 1 ? stripBom(line.text) : line.text;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = parseExactJson(text);
    } catch (e) {
      if (e instanceof UnsafeIntegerError) yield rejectData(rel, n, 'unsafe_integer', `line ${n}: ${e.message}`, text);
      else yield parseErrorData(rel, n, `line ${n} is not valid JSON: ${errorMessage(e)}`, text);
      continue;
    }
    if (!isObject(value)) {
      yield parseErrorData(rel, n, `line ${n} is JSON but not an object`, text);
      continue;
    }
    const row = unwrapAirbyte ? airbyteRecord(value, rel, n, text) : checked(value, rel, n, text);
    yield row;
  }
}

/** The row with its lineage, or its reject when a key or text cannot be stored as it is. */
function checked(data: JsonObject, rel: string, n: number, text: string, extra: JsonObject = {}): JsonObject {
  const problem = inputProblem(data);
  if (problem) return rejectData(rel, n, problem.rule, `line ${n}: ${problem.message}`, text, problem.field);
  return { ...data, _ab_source_file_url: rel, _ab_source_file_row: n, ...extra };
}

/** One Airbyte raw line → the record's own data, keeping Airbyte's ids as `_pl_*` lineage. */
export function airbyteRecord(value: JsonObject, rel: string, n: number, line: string): JsonObject {
  let inner = value._airbyte_data;
  if (typeof inner === 'string') {
    try {
      inner = parseExactJson(inner);
    } catch (e) {
      if (e instanceof UnsafeIntegerError) return rejectData(rel, n, 'unsafe_integer', `line ${n}: ${e.message}`, line, '_airbyte_data');
      return parseErrorData(rel, n, `line ${n}: _airbyte_data is a string that is not JSON`, line, '_airbyte_data');
    }
  }
  if (!isObject(inner)) return parseErrorData(rel, n, `line ${n}: no _airbyte_data object (not an Airbyte raw record)`, line, '_airbyte_data');
  const extra: JsonObject = {};
  const rawId = value._airbyte_raw_id ?? value._airbyte_ab_id;
  const extractedAt = value._airbyte_extracted_at ?? value._airbyte_emitted_at;
  if (rawId !== undefined) extra._pl_airbyte_raw_id = rawId;
  if (extractedAt !== undefined) extra._pl_airbyte_extracted_at = extractedAt;
  return checked(inner, rel, n, line, extra);
}
