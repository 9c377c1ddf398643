import { ConfigError } from '../errors.js';
import { declarativeMapper } from './declarative/mapper.js';
import { isMappingFile, loadMapping } from './declarative/load.js';
import { identityMapper } from './identity.js';
import type { StreamMapper } from './types.js';
import type { MappingSpec } from '../config/streams.js';

export type { FieldFailure, MapContext, MapOutcome, Mapper, StreamMapper } from './types.js';

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
