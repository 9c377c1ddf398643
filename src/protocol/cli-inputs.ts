import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { createAjv } from '../common/ajv.js';
import { describeSchemaErrors } from '../common/schema-errors.js';
import { isJsonObject, streamKey, type AirbyteStateMessage, type ConfiguredAirbyteCatalog, type JsonObject } from './messages.js';

/**
 * The files an Airbyte connector command takes (`--config`, `--catalog`, `--state`):
 * read, parsed and shape-checked here, so every command reports a bad file the same way
 * (a ConfigError naming the file and the key).
 */

export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

export async function readConfigFile(path: string): Promise<JsonObject> {
  const v = await readJsonFile(path, 'config');
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`config ${path} must be a JSON object`);
  return v as JsonObject;
}

const stream = { type: 'object', required: ['name', 'json_schema'], properties: { name: { type: 'string', minLength: 1 }, json_schema: { type: 'object' } } };
const configuredCatalogSchema = {
  type: 'object',
  required: ['streams'],
  properties: {
    streams: {
      type: 'array',
      items: {
        type: 'object',
        required: ['stream', 'sync_mode', 'destination_sync_mode'],
        properties: {
          stream,
          sync_mode: { enum: ['full_refresh', 'incremental'] },
          destination_sync_mode: { enum: ['append', 'overwrite', 'append_dedup'], description: 'proofline writes append, overwrite and append_dedup' },
          cursor_field: { type: 'array', items: { type: 'string' } },
          primary_key: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
        },
      },
    },
  },
} as const;
const validateCatalog = createAjv().compile(configuredCatalogSchema);

export async function readCatalogFile(path: string): Promise<ConfiguredAirbyteCatalog> {
  const v = await readJsonFile(path, 'catalog');
  if (!validateCatalog(v)) throw new ConfigError(`invalid configured catalog ${path}:\n  ${describeSchemaErrors(validateCatalog.errors).join('\n  ')}`);
  return v as unknown as ConfiguredAirbyteCatalog;
}

/**
 * Airbyte passes state as an array of STATE messages (STREAM or GLOBAL) or, from old
 * platforms, as one LEGACY blob. Flattened to what sources take: state per stream name.
 */
export function stateByStream(input: unknown): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  if (Array.isArray(input)) {
    for (const raw of input) {
      if (!isJsonObject(raw)) continue;
      const s = raw as AirbyteStateMessage;
      if (s.type === 'STREAM' && s.stream?.stream_state) out[streamKey(s.stream.stream_descriptor)] = s.stream.stream_state;
      if (s.type === 'GLOBAL') for (const st of s.global?.stream_states ?? []) if (st.stream_state) out[streamKey(st.stream_descriptor)] = st.stream_state;
      if ((s.type === 'LEGACY' || s.type === undefined) && isJsonObject(s.data)) Object.assign(out, stateByStream(s.data));
    }
    return out;
  }
  if (isJsonObject(input)) {
    // A legacy blob: proofline's own legacy form is {stream name: state}.
    for (const [k, v] of Object.entries(input)) if (isJsonObject(v)) out[k] = v;
  }
  return out;
}

export async function readStateFile(path: string | undefined): Promise<Record<string, JsonObject>> {
  if (!path) return {};
  return stateByStream(await readJsonFile(path, 'state'));
}
