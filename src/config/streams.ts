/**
 * `streams:` — what to ingest: each stream names a source, its sync mode and the target
 * collection. Owned by the ingestion engine (src/sync); placeholder until it lands.
 */

export type StreamConfig = Record<string, unknown> & { name: string };

export const streamsSchema = {
  type: 'array',
  items: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
  default: [],
} as const;
