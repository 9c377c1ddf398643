import type { ErrorObject } from 'ajv';

/**
 * Ajv errors as the one-line-per-key messages every config in proofline reports
 * ("streams.0.source.timeout_ms: must be >= 1000"). Its own module so config sections,
 * sources and connectors can use it without importing the pipeline loader (which imports
 * them: a cycle).
 */

function keyOf(err: ErrorObject): string {
  const path = err.instancePath.split('/').filter(Boolean);
  if (err.keyword === 'additionalProperties') path.push(String(err.params.additionalProperty));
  if (err.keyword === 'required') path.push(String(err.params.missingProperty));
  return path.length ? path.join('.') : '(top level)';
}

function expectation(err: ErrorObject): string {
  switch (err.keyword) {
    case 'additionalProperties':
      return 'is not a known key';
    case 'required':
      return 'is required';
    case 'enum':
      return `must be one of ${(err.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(err.params.allowedValue)}`;
    case 'pattern':
      return err.parentSchema?.description ? `must be ${String(err.parentSchema.description)}` : `must match ${String(err.params.pattern)}`;
    default:
      return err.message ?? 'is invalid';
  }
}

/** Human messages for schema errors: one per key, the most specific first. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const line = `${keyOf(e)}: ${expectation(e)}`;
    if (!seen.has(line)) {
      seen.add(line);
      out.push(line);
    }
  }
  return out;
}
