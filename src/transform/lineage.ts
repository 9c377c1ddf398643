import type { JsonObject } from '../protocol/messages.js';
import type { FieldFailure, MapContext } from './types.js';

/** Lineage and generic parse-error handling shared by every mapper. */

export interface Lineage {
  run_id: string;
  source: string;
  file?: string;
  row?: number;
  url?: string;
  index?: number;
  ingested_at: Date;
  [key: string]: unknown;
}

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;

/** `_proofline`: where the record came from. A URL source gets url+index, a file gets file+row. */
export function lineage(data: JsonObject, source: string, ctx: MapContext): Lineage {
  const where = data._ab_source_file_url;
  const pos = data._ab_source_file_row;
  const out: Lineage = { run_id: ctx.runId, source, ingested_at: ctx.ingestedAt };
  if (typeof where === 'string') {
    if (URL_LIKE.test(where)) {
      out.url = where;
      if (typeof pos === 'number') out.index = pos;
    } else {
      out.file = where;
      if (typeof pos === 'number') out.row = pos;
    }
  }
  return out;
}

/** The parse error a source attached to an unparseable row, as a mapper failure. */
export function sourceError(data: JsonObject): FieldFailure[] | undefined {
  const err = data._proofline_error;
  if (err === undefined || err === null) return undefined;
  const e = err as { rule?: unknown; field?: unknown; message?: unknown };
  return [
    {
      field: typeof e.field === 'string' ? e.field : '(record)',
      rule: typeof e.rule === 'string' ? e.rule : 'parse',
      value: data._raw ?? null,
      message: typeof e.message === 'string' ? e.message : 'unparseable input',
    },
  ];
}

/** Data without the source's bookkeeping keys (`_ab_*`, `_pl_*`, `_proofline_error`, `_raw`). */
export function stripBookkeeping(data: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(data)) {
    if (k.startsWith('_ab_') || k.startsWith('_pl_') || k === '_proofline_error' || k === '_raw') continue;
    out[k] = v;
  }
  return out;
}
