import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { JsonObject } from '../../protocol/messages.js';
import { errorMessage } from '../../errors.js';
import { parseErrorData } from '../source.js';

/**
 * JSON Lines, streamed line by line (readline): memory holds one line. A line that is not
 * a JSON object becomes a parse-error record with its line number and raw text; blank
 * lines are not records. `unwrapAirbyte` reads Airbyte raw records (`_airbyte_data`).
 */

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export async function* readJsonLines(input: Readable, rel: string, unwrapAirbyte: boolean): AsyncGenerator<JsonObject> {
  input.setEncoding('utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      yield parseErrorData(rel, n, `line ${n} is not valid JSON: ${errorMessage(e)}`, line);
      continue;
    }
    if (!isObject(value)) {
      yield parseErrorData(rel, n, `line ${n} is JSON but not an object`, line);
      continue;
    }
    yield unwrapAirbyte ? airbyteRecord(value, rel, n, line) : { ...value, _ab_source_file_url: rel, _ab_source_file_row: n };
  }
}

/** One Airbyte raw line → the record's own data, keeping Airbyte's ids as `_pl_*` lineage. */
export function airbyteRecord(value: JsonObject, rel: string, n: number, line: string): JsonObject {
  let inner = value._airbyte_data;
  if (typeof inner === 'string') {
    try {
      inner = JSON.parse(inner);
    } catch {
      return parseErrorData(rel, n, `line ${n}: _airbyte_data is a string that is not JSON`, line, '_airbyte_data');
    }
  }
  if (!isObject(inner)) return parseErrorData(rel, n, `line ${n}: no _airbyte_data object (not an Airbyte raw record)`, line, '_airbyte_data');
  const out: JsonObject = { ...inner, _ab_source_file_url: rel, _ab_source_file_row: n };
  const rawId = value._airbyte_raw_id ?? value._airbyte_ab_id;
  const extractedAt = value._airbyte_extracted_at ?? value._airbyte_emitted_at;
  if (rawId !== undefined) out._pl_airbyte_raw_id = rawId;
  if (extractedAt !== undefined) out._pl_airbyte_extracted_at = extractedAt;
  return out;
}
