import { ConfigError } from '../../errors.js';
import { createAjv } from '../../common/ajv.js';
import { describeSchemaErrors } from '../../common/schema-errors.js';
import type { JsonObject, SyncMode } from '../../protocol/messages.js';

/**
 * `source: {type: airbyte, ...}` — any Airbyte source connector, run as a local command
 * (`command: [.venv/bin/source-faker]`) or as a Docker image (`image: airbyte/source-faker:6.2.0`).
 */

export interface AirbyteStreamSelection {
  /** Stream name as the connector's catalog names it. */
  name: string;
  namespace?: string;
  sync_mode?: SyncMode;
  cursor_field?: string[];
  primary_key?: string[][];
}

export interface DockerOptions {
  /** The docker-compatible CLI to call (docker, podman). */
  binary: string;
  network?: string;
  /** `uid:gid` the connector runs as; defaults to ours, so it can read the 0600 files we mount. */
  user?: string;
  env: Record<string, string>;
  /** Extra `docker run` arguments, placed before the image. */
  args: string[];
}

export interface AirbyteSourceConfig {
  type?: 'airbyte';
  command?: string[];
  image?: string;
  /** The connector's own config (its spec's connectionSpecification). */
  config: JsonObject;
  /** Which of the connector's streams to read, and how; default: all it discovers. */
  streams?: AirbyteStreamSelection[];
  /** Bound on each connector run (read included): a connector that never ends is killed. */
  timeout_ms: number;
  /** Bound on spec/check/discover. */
  setup_timeout_ms: number;
  max_line_bytes: number;
  /** Run `check` before reading (a failing check stops the sync with the connector's message). */
  check: boolean;
  env: Record<string, string>;
  docker: DockerOptions;
}

const selection = {
  anyOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1 },
        namespace: { type: 'string' },
        sync_mode: { enum: ['full_refresh', 'incremental'] },
        cursor_field: { type: 'array', items: { type: 'string' } },
        primary_key: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
      },
    },
  ],
} as const;

export const airbyteSourceSchema = {
  type: 'object',
  additionalProperties: false,
  // `type` is optional: the pipeline loader validates the block without it.
  required: ['config'],
  properties: {
    type: { const: 'airbyte' },
    command: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    image: { type: 'string', minLength: 1, pattern: '^[^\\s]+$' },
    config: { type: 'object' },
    streams: { type: 'array', items: selection },
    timeout_ms: { type: 'integer', minimum: 1000, default: 3_600_000 },
    setup_timeout_ms: { type: 'integer', minimum: 1000, default: 300_000 },
    max_line_bytes: { type: 'integer', minimum: 1024, default: 32 * 1024 * 1024 },
    check: { type: 'boolean', default: true },
    env: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
    docker: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        binary: { type: 'string', default: 'docker' },
        network: { type: 'string' },
        user: { type: 'string' },
        env: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
        args: { type: 'array', items: { type: 'string' }, default: [] },
      },
    },
  },
  oneOf: [{ required: ['command'] }, { required: ['image'] }],
} as const;

const validate = createAjv({ useDefaults: true }).compile(airbyteSourceSchema);

/** Validate and default an `airbyte` source block; `where` prefixes messages (e.g. `streams.0.source`). */
export function parseAirbyteSourceConfig(raw: unknown, where = 'source'): AirbyteSourceConfig {
  const doc = structuredClone(raw) as JsonObject;
  if (!validate(doc)) {
    const lines = describeSchemaErrors(validate.errors);
    const both = doc && typeof doc === 'object' && 'command' in doc && 'image' in doc;
    if (both || (validate.errors ?? []).some((e) => e.keyword === 'oneOf')) lines.push('command/image: give exactly one of `command` (a local executable) or `image` (a Docker image)');
    throw new ConfigError(`invalid airbyte source ${where}:\n  ${lines.map((l) => (l.startsWith('(top level)') ? l.replace('(top level)', where) : `${where}.${l}`)).join('\n  ')}`);
  }
  const cfg = doc as unknown as AirbyteSourceConfig & { streams?: Array<string | AirbyteStreamSelection> };
  if (cfg.streams) cfg.streams = cfg.streams.map((s) => (typeof s === 'string' ? { name: s } : s));
  return cfg as AirbyteSourceConfig;
}
