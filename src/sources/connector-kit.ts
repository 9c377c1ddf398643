import { ErrorCode, ProoflineError, errorMessage } from '../errors.js';
import type { AirbyteStream, AirbyteMessage, ConfiguredAirbyteCatalog, ConnectorSpecification, JsonObject } from '../protocol/messages.js';
import { validateSourceConfig } from './config.js';
import { listFiles, type SourceFile } from './file-list.js';
import type { S3Options } from './s3-location.js';
import type { ReadContext, SourceConnector } from './source.js';

/**
 * What the built-in connectors (files, infoclimat, wunderground) share, so each one only
 * says what is its own: its config schema, what `check` probes, its streams, and `read`.
 * The Airbyte-protocol plumbing (config validation, check's FAILED status, discover's
 * catalog) lives here once.
 */

export interface BuiltinSource<C> {
  type: string;
  /** The JSON Schema of the config block; validated (defaults applied) before every verb. */
  configSchema: object;
  documentationUrl?: string;
  /** Extra checks Ajv cannot express; throw a ConfigError. */
  refine?: (cfg: C) => void;
  /** What `check` verifies beyond the config; returns the SUCCEEDED message, throws to fail. */
  probe: (cfg: C, ctx: ReadContext) => Promise<string>;
  streams: (cfg: C) => AirbyteStream[];
  read: (cfg: C, catalog: ConfiguredAirbyteCatalog, state: Record<string, JsonObject>, ctx: ReadContext) => AsyncIterable<AirbyteMessage>;
}

export function defineSource<C>(def: BuiltinSource<C>): SourceConnector {
  const parse = (config: JsonObject): C => {
    const cfg = validateSourceConfig<C>(def.type, def.configSchema, config);
    def.refine?.(cfg);
    return cfg;
  };
  const spec: ConnectorSpecification = {
    ...(def.documentationUrl ? { documentationUrl: def.documentationUrl } : {}),
    connectionSpecification: def.configSchema as Record<string, unknown>,
    supportsIncremental: true,
    supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'],
    protocol_version: '0.5.2',
  };
  return {
    type: def.type,
    spec: () => spec,
    async check(config, ctx) {
      try {
        return { status: 'SUCCEEDED', message: await def.probe(parse(config), ctx) };
      } catch (e) {
        return { status: 'FAILED', message: errorMessage(e) };
      }
    },
    async discover(config) {
      return { streams: def.streams(parse(config)) };
    },
    read(config, catalog, state, ctx) {
      return def.read(parse(config), catalog, state, ctx);
    },
  };
}

/**
 * A stream read file by file, incremental by the files already read (its state lists
 * them). The connector names the fields, if any, that identify a row and order its
 * versions (fields of the mapped document: the kit knows no domain).
 */
export function fileStream(name: string, schema: object, keys: { cursor?: string; primaryKey?: string[] } = {}): AirbyteStream {
  return {
    name,
    json_schema: schema as JsonObject,
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: true,
    ...(keys.cursor ? { default_cursor_field: [keys.cursor] } : {}),
    ...(keys.primaryKey ? { source_defined_primary_key: keys.primaryKey.map((k) => [k]) } : {}),
  };
}

/** The files matching `pattern` in `dir`; none at all is SOURCE_UNAVAILABLE (a wrong path, not an empty day). */
export async function requireFiles(type: string, ctx: ReadContext, dir: string, pattern: string, s3?: S3Options): Promise<SourceFile[]> {
  const files = await listFiles(ctx.baseDir, dir, [pattern], s3);
  if (files.length === 0) throw new ProoflineError(ErrorCode.SOURCE_UNAVAILABLE, `${type}: no file matches ${pattern} in ${dir}`);
  return files;
}
