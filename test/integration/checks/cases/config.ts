import { join } from 'node:path';
import { parseConfig, type PipelineConfig } from '../../../../src/config/load.js';
import { ROOT, stackUris, writePipelineYaml } from '../../../helpers.js';

/** Pipeline configs for the check tests, pointing at this engineer's private stack. */

export const WEATHER_SCHEMA = join(ROOT, 'examples/weather/schemas/hourly_measurements.json');

export function rawConfig(database: string, checks: Record<string, unknown> = {}, mongodb: Record<string, unknown> = {}): Record<string, unknown> {
  const s = stackUris();
  return {
    name: `checks-${database}`,
    mongodb: {
      uri: s.primary,
      replicas: s.replicas,
      database,
      timeout_ms: 2000,
      ...(s.postgresPrimary ? { postgres_url: s.postgresPrimary } : {}),
      ...mongodb,
    },
    checks,
  };
}

/** A validated config object, as the CLI would load it (no env overrides). */
export function config(database: string, checks: Record<string, unknown> = {}, mongodb: Record<string, unknown> = {}): PipelineConfig {
  return parseConfig(rawConfig(database, checks, mongodb), join(ROOT, 'pipeline.yaml'), {});
}

/** The same, written to a temp YAML file for the CLI. */
export function configFile(database: string, checks: Record<string, unknown> = {}, mongodb: Record<string, unknown> = {}): string {
  return writePipelineYaml(rawConfig(database, checks, mongodb));
}
