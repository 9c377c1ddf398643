import type { ValidateFunction } from 'ajv';
import { createAjv } from '../common/ajv.js';
import { describeSchemaErrors } from '../common/schema-errors.js';
import type { PipelineConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { sourceConnector, SOURCE_TYPES } from '../sources/registry.js';
import { mappingProblems } from '../transform/mapper.js';

/**
 * The stream checks that need the connectors and the mapping language: each source block
 * against its connector's own spec, each mapping compiled. Run before a sync touches
 * anything (`proofline sync`, the monitor's start, runSync), so a typo is an exit-2
 * message naming the key. They live here, not in config/, so that loading a config (for
 * `check` or `report`) loads no connector and no spreadsheet reader.
 */

const ajv = createAjv({ useDefaults: true });
const compiled = new Map<string, ValidateFunction>();

function sourceValidator(type: string): ValidateFunction {
  let v = compiled.get(type);
  if (!v) {
    v = ajv.compile(sourceConnector(type).spec().connectionSpecification);
    compiled.set(type, v);
  }
  return v;
}

export function checkStreams(config: Pick<PipelineConfig, 'streams' | 'file' | 'baseDir'>): void {
  const problems: string[] = [];
  config.streams.forEach((s, i) => {
    const at = `streams[${i}]`;
    if (!SOURCE_TYPES.includes(s.source.type)) {
      problems.push(`${at}.source.type: must be one of ${SOURCE_TYPES.map((t) => JSON.stringify(t)).join(', ')}`);
    } else {
      // The connector's spec describes its config without `type`: validate a copy without it.
      const { type: _type, ...rest } = s.source;
      const validate = sourceValidator(s.source.type);
      if (!validate(structuredClone(rest))) {
        for (const line of describeSchemaErrors(validate.errors)) problems.push(`${at}.source.${line.replace(/^\(top level\): /, '')}`);
      }
    }
    for (const p of mappingProblems(s.mapping, config.baseDir)) problems.push(`${at} (${s.name}).mapping: ${p.replace(/^\(top level\): /, '')}`);
  });
  if (problems.length) throw new ConfigError(`invalid config ${config.file}:\n  ${problems.join('\n  ')}`);
}
