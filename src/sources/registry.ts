import { ConfigError } from '../errors.js';
import { airbyteSource } from './airbyte/connector.js';
import { filesSource } from './files/connector.js';
import { infoclimatSource } from './infoclimat/connector.js';
import type { SourceConnector } from './source.js';
import { wundergroundSource } from './wunderground/connector.js';

/** Source type → connector. The `airbyte` type (external connectors) registers here too. */

const CONNECTORS: ReadonlyMap<string, SourceConnector> = new Map<string, SourceConnector>(
  [infoclimatSource, wundergroundSource, filesSource, airbyteSource].map((c) => [c.type, c]),
);

export const SOURCE_TYPES: readonly string[] = Object.freeze([...CONNECTORS.keys()]);

export function sourceConnector(type: string): SourceConnector {
  const c = CONNECTORS.get(type);
  if (!c) throw new ConfigError(`unknown source type "${type}": expected one of ${SOURCE_TYPES.join(', ')}`);
  return c;
}
