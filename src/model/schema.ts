/**
 * The target schema, declared once as JSON Schema and used for the in-pipeline validator
 * (Ajv), the `$jsonSchema` collection validator and the validity audit. The compiler,
 * the failure classification and the JSON view were written first for the schema check
 * (src/checks/schema-validator.ts); this module is the name the engine and the docs use,
 * so both paths validate with exactly the same code.
 */
export {
  loadJsonSchema as loadSchema,
  compileDocValidator as compileValidator,
  toJsonView,
  toMongoJsonSchema,
  toFailures,
  FAILURE_RULES,
  RULE_LABELS,
  type DocValidator,
  type FieldFailure,
  type FailureRule,
  type JsonSchema,
} from '../checks/schema-validator.js';
