import { redactText, rememberSecrets } from '../common/redact.js';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from '../errors.js';
import { createAjv } from '../common/ajv.js';
import { describeSchemaErrors } from '../common/schema-errors.js';
import { mongodbSchema, type MongoConfig } from './mongodb.js';
import { streamsSchema, validateStreams, type StreamConfig } from './streams.js';
import { checksSchema, type ChecksConfig } from './checks.js';
import { monitorSchema, type MonitorConfig } from './monitor.js';
import { leaseSchema, type LeaseConfig } from './lease.js';

/**
 * The pipeline config: one YAML file, validated against one JSON Schema composed of
 * the sections each module owns. A bad key or value is a ConfigError (exit 2) whose
 * message names the key and what was expected.
 */

export interface PipelineConfig {
  version: 1;
  name: string;
  mongodb: MongoConfig;
  streams: StreamConfig[];
  checks: ChecksConfig;
  monitor: MonitorConfig;
  lease: LeaseConfig;
  /** How many streams of a run may run at once (streams that share a collection never do). */
  concurrency: number;
  /** Folder of the config file: relative paths in the config resolve against it. */
  baseDir: string;
  /** The file it came from, for messages. */
  file: string;
}

export const pipelineSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'mongodb'],
  properties: {
    version: { const: 1, default: 1 },
    name: { type: 'string', minLength: 1 },
    mongodb: mongodbSchema,
    streams: streamsSchema,
    checks: checksSchema,
    monitor: monitorSchema,
    lease: leaseSchema,
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 1 },
  },
} as const;

// verbose: errors carry their schema, whose description makes a better message than a regex.
const ajv = createAjv({ useDefaults: true, allErrors: true, verbose: true });
const validate = ajv.compile(pipelineSchema);

/** Validate an already-parsed config object (env overrides applied by the caller). */
/**
 * A comma-separated list of URIs. A URI may itself hold commas (several hosts:
 * `mongodb://a:27017,b:27017/`), so a new URI starts only where a scheme does.
 */
export function splitUriList(list: string): string[] {
  return list
    .split(/,(?=\s*mongodb(?:\+srv)?:\/\/)/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseConfig(raw: unknown, file: string, env: NodeJS.ProcessEnv = process.env): PipelineConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(`${file}: the config must be a YAML mapping`);
  const doc = structuredClone(raw) as Record<string, unknown>;
  const mongo = (doc.mongodb ?? {}) as Record<string, unknown>;
  if (env.MONGODB_URI) mongo.uri = env.MONGODB_URI;
  if (env.PROOFLINE_POSTGRES_URL) mongo.postgres_url = env.PROOFLINE_POSTGRES_URL;
  if (env.MONGODB_REPLICA_URIS !== undefined) mongo.replicas = splitUriList(env.MONGODB_REPLICA_URIS);
  if (doc.mongodb !== undefined || env.MONGODB_URI) doc.mongodb = mongo;
  // Before anything can quote them: a malformed URI must not leak through a schema error or a driver message.
  for (const uri of [mongo.uri, mongo.postgres_url, ...(Array.isArray(mongo.replicas) ? mongo.replicas : [])]) if (typeof uri === 'string') rememberSecrets(uri);
  if (!validate(doc)) {
    const lines = describeSchemaErrors(validate.errors).map(redactText);
    throw new ConfigError(`invalid config ${file}:\n  ${lines.join('\n  ')}`);
  }
  validateStreams((doc.streams ?? []) as StreamConfig[], file);
  return { ...(doc as unknown as Omit<PipelineConfig, 'baseDir' | 'file'>), baseDir: dirname(resolve(file)), file };
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): PipelineConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const parsed = parseDocument(text, { prettyErrors: true });
  if (parsed.errors.length) throw new ConfigError(`${file} is not valid YAML: ${parsed.errors[0]!.message}`);
  return parseConfig(parsed.toJS(), file, env);
}

/** Resolve a path written in the config relative to the config file. */
export function configPath(config: Pick<PipelineConfig, 'baseDir'>, p: string): string {
  return resolve(config.baseDir, p);
}
