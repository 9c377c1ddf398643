import type { MongoClientOptions } from 'mongodb';
import { createAjv } from '../common/ajv.js';
import type { Logger } from '../common/logger.js';
import { describeSchemaErrors } from '../common/schema-errors.js';
import { ConfigError } from '../errors.js';
import type { JsonObject } from '../protocol/messages.js';
import type { SessionSpec } from '../store/session.js';

/**
 * The config of `proofline destination mongodb` (what an Airbyte user fills in the
 * destination form). Per stream, optionally: the collection, the mapping and the target
 * schema; with a schema the destination maps, validates and quarantines like a pipeline,
 * without one it stores each record's fields as a typed document.
 */

export interface DestinationStreamConfig {
  /** Airbyte stream name (`namespace.name` also accepted). */
  name: string;
  collection?: string;
  mapping?: string;
  /** Target JSON Schema: a file path, or a name looked up in schemas_dir (`hourly_measurements`). */
  schema?: string;
  /** Primary key on the MAPPED document (dotted paths), when it differs from the source's raw key. */
  primary_key?: string[];
  /** Cursor on the MAPPED document (dotted path) deciding the newest version; default: the catalog cursor. */
  cursor_field?: string;
  /** Extra (non-unique) indexes, each a list of fields. */
  indexes?: string[][];
}

export interface DestinationConfig {
  uri: string;
  database: string;
  /** The pipeline name each run is recorded under in `_proofline_runs` (default: airbyte-destination). */
  pipeline?: string;
  tls?: { enabled?: boolean; ca_file?: string; cert_key_file?: string; allow_invalid_hostnames?: boolean };
  /** Extra driver options, e.g. {retryWrites: false, replicaSet: "rs0"} for DocumentDB. */
  options: JsonObject;
  timeout_ms: number;
  batch_size: number;
  /** Prefix of collections named after streams (streams without an explicit collection). */
  collection_prefix: string;
  schemas_dir?: string;
  /** Folder of mapping declarations named by streams[].mapping (default: mappings/). */
  mappings_dir?: string;
  streams: DestinationStreamConfig[];
}

export const destinationConfigSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'proofline MongoDB / DocumentDB destination',
  type: 'object',
  additionalProperties: false,
  required: ['uri', 'database'],
  properties: {
    uri: {
      type: 'string',
      title: 'Connection URI',
      pattern: '^mongodb(\\+srv)?://',
      description: 'mongodb:// or mongodb+srv:// URI, credentials included (DocumentDB: the cluster endpoint, with ?replicaSet=rs0&retryWrites=false).',
      airbyte_secret: true,
      order: 0,
    },
    database: { type: 'string', title: 'Database', minLength: 1, pattern: '^[^/\\\\. "$]+$', order: 1 },
    pipeline: { type: 'string', title: 'Pipeline name', minLength: 1, description: 'The name runs are recorded under in _proofline_runs, which the dashboard and the report list (default: airbyte-destination).', order: 1 },
    tls: {
      type: 'object',
      title: 'TLS',
      additionalProperties: false,
      order: 2,
      properties: {
        enabled: { type: 'boolean', description: 'Force TLS on (DocumentDB requires it).' },
        ca_file: { type: 'string', description: 'CA bundle path inside the connector container (DocumentDB: global-bundle.pem).' },
        cert_key_file: { type: 'string', description: 'Client certificate + key (PEM) for X.509 auth.' },
        allow_invalid_hostnames: { type: 'boolean', description: 'Only for SSH tunnels to DocumentDB, where the host name cannot match.' },
      },
    },
    options: { type: 'object', title: 'Driver options', default: {}, description: 'Extra MongoDB driver options, e.g. {"retryWrites": false}.', order: 3 },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 600000, default: 10000, order: 4 },
    batch_size: { type: 'integer', minimum: 1, maximum: 100000, default: 1000, description: 'Records per bulk write; STATE is echoed after each flush.', order: 5 },
    collection_prefix: { type: 'string', default: '', pattern: '^[^$]*$', order: 6 },
    schemas_dir: { type: 'string', description: 'Folder of target schemas named by streams[].schema (default: schemas/, where the image bundles the example schemas).', order: 7 },
    mappings_dir: { type: 'string', description: 'Folder of mapping declarations named by streams[].mapping (default: mappings/, where the image bundles the example mappings).', order: 8 },
    streams: {
      type: 'array',
      title: 'Per-stream settings',
      default: [],
      order: 9,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', minLength: 1 },
          collection: { type: 'string', minLength: 1, pattern: '^[^$]+$' },
          mapping: { type: 'string', minLength: 1, description: 'identity (default), a mapping declaration named in mappings_dir (e.g. wunderground_hourly), or a path to one' },
          schema: { type: 'string', minLength: 1, description: 'target schema: path or name in schemas_dir' },
          primary_key: {
            type: 'array',
            minItems: 1,
            items: { type: 'string', minLength: 1 },
            description: 'append_dedup key on the mapped document (e.g. ["id_station", "dh_utc"]); default: the catalog primary key',
          },
          cursor_field: { type: 'string', minLength: 1, description: 'newest-version field on the mapped document; default: the catalog cursor' },
          indexes: { type: 'array', items: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }, description: 'extra indexes, e.g. [["source", "dh_utc"]]' },
        },
      },
    },
  },
} as const;

const validate = createAjv({ useDefaults: true }).compile(destinationConfigSchema);

export function parseDestinationConfig(raw: JsonObject, file = 'config'): DestinationConfig {
  const doc = structuredClone(raw);
  if (!validate(doc)) throw new ConfigError(`invalid destination ${file}:\n  ${describeSchemaErrors(validate.errors).join('\n  ')}`);
  return doc as unknown as DestinationConfig;
}

/** Driver options from the config: TLS settings by their driver names, then `options`. */
export function driverOptions(cfg: DestinationConfig): MongoClientOptions {
  const t = cfg.tls ?? {};
  return {
    ...(t.enabled !== undefined && { tls: t.enabled }),
    ...(t.ca_file && { tls: true, tlsCAFile: t.ca_file }),
    ...(t.cert_key_file && { tls: true, tlsCertificateKeyFile: t.cert_key_file }),
    ...(t.allow_invalid_hostnames !== undefined && { tlsAllowInvalidHostnames: t.allow_invalid_hostnames }),
    ...(cfg.options as MongoClientOptions),
  };
}

/** The per-stream settings for a stream, matched on `namespace.name` then on `name`. */
export function streamSettings(cfg: DestinationConfig, name: string, namespace?: string): DestinationStreamConfig {
  const full = namespace ? `${namespace}.${name}` : name;
  return cfg.streams.find((s) => s.name === full) ?? cfg.streams.find((s) => s.name === name) ?? { name };
}

/** Collection for a stream: explicit, else prefix + name (namespace dots kept out: `ns_name`). */
export function collectionFor(cfg: DestinationConfig, name: string, namespace?: string): string {
  const s = streamSettings(cfg, name, namespace);
  return s.collection ?? `${cfg.collection_prefix}${namespace ? `${namespace}_` : ''}${name}`;
}

/** The destination's database session: its own config (uri, database, TLS, driver options); the platform retries failed syncs, so no retry policy of its own. */
export function destinationSession(cfg: DestinationConfig, logger: Logger): SessionSpec {
  return { uri: cfg.uri, database: cfg.database, timeoutMs: cfg.timeout_ms, appName: 'proofline-destination', driver: driverOptions(cfg), logger };
}
