import type { MapOutcome, StreamMapper } from '../transform/mapper.js';
import { safeKeys } from './safe-keys.js';
import { typeDocument } from './typed-document.js';

/**
 * The destination's mapper when no target schema is named: the given mapper (identity by
 * default) over the record with its declared timestamps typed as dates, and the result's
 * field names made storable. So an arbitrary Airbyte stream lands as a typed document,
 * not as a blob and not as strings.
 */
export function typedMapper(inner: StreamMapper, timestampPaths: string[][]): StreamMapper {
  return {
    name: `${inner.name}+typed`,
    map(data, ctx) {
      const outcome = inner.map(typeDocument(data, timestampPaths), ctx);
      const storable = (o: MapOutcome): MapOutcome => (o.ok ? { ok: true, doc: safeKeys(o.doc) } : o);
      return outcome instanceof Promise ? outcome.then(storable) : storable(outcome);
    },
  };
}
