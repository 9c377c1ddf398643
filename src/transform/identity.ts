import type { JsonObject } from '../protocol/messages.js';
import { lineage, sourceError, stripBookkeeping } from './lineage.js';
import type { Mapper } from './types.js';

/**
 * For streams without a target mapping (files, Airbyte connectors): the record as is,
 * minus the source's bookkeeping keys, plus `_proofline` lineage. An Airbyte raw record
 * (`_airbyte_data`, object or JSON string) is unwrapped here as well as in the files
 * source, so a raw record reaches the same document whichever path it took.
 */

function unwrap(data: JsonObject): { body: JsonObject; rawId?: unknown; extractedAt?: unknown } | { error: string } {
  if (!('_airbyte_data' in data)) return { body: data };
  let inner = data._airbyte_data;
  if (typeof inner === 'string') {
    try {
      inner = JSON.parse(inner);
    } catch {
      return { error: '_airbyte_data is a string that is not JSON' };
    }
  }
  if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return { error: '_airbyte_data is not an object' };
  return {
    body: { ...(inner as JsonObject), _ab_source_file_url: data._ab_source_file_url, _ab_source_file_row: data._ab_source_file_row },
    rawId: data._airbyte_raw_id ?? data._airbyte_ab_id,
    extractedAt: data._airbyte_extracted_at ?? data._airbyte_emitted_at,
  };
}

export function identityMapper(): Mapper {
  return {
    name: 'identity',
    map(data: JsonObject, ctx) {
      const parseFailure = sourceError(data);
      if (parseFailure) return { ok: false, failures: parseFailure };
      const u = unwrap(data);
      if ('error' in u) return { ok: false, failures: [{ field: '_airbyte_data', rule: 'parse', value: data._airbyte_data ?? null, message: u.error }] };
      const source = typeof data._pl_source === 'string' ? data._pl_source : ctx.stream;
      const body = stripBookkeeping(u.body);
      const meta = lineage(u.body, source, ctx);
      const rawId = u.rawId ?? data._pl_airbyte_raw_id;
      if (rawId !== undefined) meta.airbyte_raw_id = rawId;
      const extractedAt = u.extractedAt ?? data._pl_airbyte_extracted_at;
      if (extractedAt !== undefined) meta.airbyte_extracted_at = extractedAt;
      // A record may carry its own `_proofline` (re-ingested export): ours wins, theirs is kept aside.
      const own = body._proofline;
      delete body._proofline;
      return { ok: true, doc: { ...body, _proofline: own === undefined ? meta : { ...meta, previous: own } } };
    },
  };
}
