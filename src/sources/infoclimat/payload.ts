import type { JsonObject } from '../../protocol/messages.js';
import { parseErrorData, rejectData } from '../source.js';
import { inputProblem } from '../input-checks.js';

/**
 * Walking one InfoClimat payload: `stations` (array) and `hourly` (object keyed by
 * station id; `_params` and any other `_` key are request metadata, not stations).
 * Rows are numbered 1-based in payload order; `_pl_path` says exactly where a row sits.
 * A station key `__proto__` is not metadata: its rows are counted and rejected, as is a
 * row whose keys or text cannot be stored as they are (input-checks.ts).
 */

/** The row with its lineage, or its reject naming the field that cannot be stored. */
function checkedRow(row: JsonObject, where: string, index: number, path: string, extra: JsonObject): JsonObject {
  const problem = inputProblem(row);
  if (problem) return rejectData(where, index, problem.rule, `${path}: ${problem.message}`, JSON.stringify(row).slice(0, 2000), problem.field);
  return { ...row, ...extra, _pl_path: path, _ab_source_file_url: where, _ab_source_file_row: index };
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether the payload has the InfoClimat shape at all (else the whole payload is unusable). */
export function payloadShapeError(payload: unknown): string | undefined {
  if (!isObject(payload)) return 'the payload is not a JSON object';
  if (payload.hourly === undefined && payload.stations === undefined) return 'the payload has neither "hourly" nor "stations"';
  if (payload.hourly !== undefined && !isObject(payload.hourly)) return '"hourly" is not an object keyed by station id';
  if (payload.stations !== undefined && !Array.isArray(payload.stations)) return '"stations" is not an array';
  return undefined;
}

export function* stationRows(payload: JsonObject, where: string): Generator<JsonObject> {
  const list: unknown[] = Array.isArray(payload.stations) ? payload.stations : [];
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    yield isObject(s)
      ? checkedRow(s, where, i + 1, `stations[${i}]`, {})
      : parseErrorData(where, i + 1, `stations[${i}] is not an object`, JSON.stringify(s));
  }
}

export function* hourlyRows(payload: JsonObject, where: string): Generator<JsonObject> {
  let index = 0;
  for (const [key, rows] of Object.entries(isObject(payload.hourly) ? payload.hourly : {})) {
    if (key.startsWith('_') && key !== '__proto__') continue;
    if (!Array.isArray(rows)) {
      index += 1;
      yield parseErrorData(where, index, `hourly.${key} is not an array of rows`, String(JSON.stringify(rows)).slice(0, 2000), key);
      continue;
    }
    for (let i = 0; i < rows.length; i++) {
      const r: unknown = rows[i];
      index += 1;
      if (key === '__proto__') {
        yield rejectData(where, index, 'unstorable_key', `hourly.__proto__[${i}]: the station key "__proto__" cannot be stored safely`, JSON.stringify(r).slice(0, 2000), 'station');
        continue;
      }
      yield isObject(r)
        ? checkedRow(r, where, index, `hourly.${key}[${i}]`, { _pl_station: key })
        : parseErrorData(where, index, `hourly.${key}[${i}] is not an object`, JSON.stringify(r));
    }
  }
}
