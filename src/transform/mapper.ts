import { ConfigError } from '../errors.js';
import type { JsonObject } from '../protocol/messages.js';
import { declarativeMapper } from './declarative/mapper.js';
import { isMappingFile, loadMapping } from './declarative/load.js';
import { identityMapper } from './identity.js';

/**
 * Mappers turn a RAW source record into a target document, or into the list of reasons it
 * cannot be one. They never range-check (the target schema does) but they do reject what
 * cannot be parsed (stray text in a number, an unresolvable local time), with the source
 * column and raw value, so the quarantine says exactly what was wrong.
 */

export interface MapContext {
  runId: string;
  stream: string;
  ingestedAt: Date;
}
export interface FieldFailure {
  field: string;
  rule: string;
  value: unknown;
  message: string;
}
export type MapOutcome = { ok: true; doc: Record<string, unknown> } | { ok: false; failures: FieldFailure[] };
/** What a stream maps with: synchronous unless its mapping computes fields (JSONata evaluates with promises). */
export interface StreamMapper {
  readonly name: string;
  map(data: JsonObject, ctx: MapContext): MapOutcome | Promise<MapOutcome>;
}
export interface Mapper extends StreamMapper {
  map(data: JsonObject, ctx: MapContext): MapOutcome;
}

/** A stream's `mapping:`: `identity`, a mapping file, or an inline declaration. */
export type MappingSpec = string | Record<string, unknown>;

const IDENTITY = 'identity';

/** The problems of a mapping spec (none when it is usable); checked at config load. */
export function mappingProblems(spec: MappingSpec, baseDir: string): string[] {
  if (typeof spec === 'string' && !isMappingFile(spec)) {
    return spec === IDENTITY ? [] : [`must be "${IDENTITY}", a mapping file (.yaml, .yml, .json) or a declaration`];
  }
  return loadMapping(spec, baseDir).problems;
}

/** A fresh mapper for a stream's `mapping:` (identity, a mapping file or an inline declaration). */
export function streamMapper(spec: MappingSpec, baseDir: string, stream: string): StreamMapper {
  if (typeof spec === 'string' && !isMappingFile(spec)) {
    if (spec !== IDENTITY) throw new ConfigError(`stream ${stream}: mapping must be "${IDENTITY}", a mapping file (.yaml, .yml, .json) or a declaration; got "${spec}"`);
    return identityMapper();
  }
  const { mapping, problems } = loadMapping(spec, baseDir);
  if (!mapping) throw new ConfigError(`stream ${stream}: invalid mapping:\n  ${problems.join('\n  ')}`);
  return declarativeMapper(typeof spec === 'string' ? spec : stream, mapping);
}
