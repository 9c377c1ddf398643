import type { ValidateFunction } from 'ajv';
import { createAjv } from '../common/ajv.js';
import { describeSchemaErrors } from '../common/schema-errors.js';
import { ConfigError } from '../errors.js';
import type { JsonObject } from '../protocol/messages.js';

/** Validate a source's config block against its spec, with defaults applied: ConfigError (exit 2) naming each key. */

const ajv = createAjv({ useDefaults: true });
const compiled = new WeakMap<object, ValidateFunction>();

export function validateSourceConfig<T>(type: string, schema: object, config: JsonObject): T {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const copy = structuredClone(config);
  if (!validate(copy)) {
    throw new ConfigError(`invalid ${type} source config:\n  ${describeSchemaErrors(validate.errors).join('\n  ')}`);
  }
  return copy as T;
}
