import type { JsonObject } from '../../protocol/messages.js';
import { parseErrorData } from '../source.js';

/**
 * Walking one InfoClimat payload: `stations` (array) and `hourly` (object keyed by
 * station id; `_params` and any other `_` key are request metadata, not stations).
 * Rows are numbered 1-based in payload order; `_pl_path` says exactly where a row sits.
 */

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
      ? { ...s, _ab_source_file_url: where, _ab_source_file_row: i + 1, _pl_path: `stations[${i}]` }
      : parseErrorData(where, i + 1, `stations[${i}] is not an object`, JSON.stringify(s));
  }
}

export function* hourlyRows(payload: JsonObject, where: string): Generator<JsonObject> {
  let index = 0;
  for (const [key, rows] of Object.entries(isObject(payload.hourly) ? payload.hourly : {})) {
    if (key.startsWith('_')) continue;
    if (!Array.isArray(rows)) {
      index += 1;
      yield parseErrorData(where, index, `hourly.${key} is not an array of rows`, String(JSON.stringify(rows)).slice(0, 2000), key);
      continue;
    }
    for (let i = 0; i < rows.length; i++) {
      const r: unknown = rows[i];
      index += 1;
      yield isObject(r)
        ? { ...r, _pl_station: key, _pl_path: `hourly.${key}[${i}]`, _ab_source_file_url: where, _ab_source_file_row: index }
        : parseErrorData(where, index, `hourly.${key}[${i}] is not an object`, JSON.stringify(r));
    }
  }
}
