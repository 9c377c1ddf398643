/** `mongodb:` — where the collections live and which endpoints the checks measure. */

export interface MongoConfig {
  /** URI of the primary / cluster endpoint. MONGODB_URI overrides it. */
  uri: string;
  database: string;
  /** Each replica to check, as its own URI (DocumentDB: instance endpoints). MONGODB_REPLICA_URIS (comma-separated) overrides. */
  replicas: string[];
  /**
   * Also measure the members the primary's `hello` lists (a replica set's members, a
   * DocumentDB cluster's instances), each read directly, beside `replicas`.
   */
  discover_members: boolean;
  /** Optional PostgreSQL URL of the primary behind FerretDB, to read pg_stat_replication. PROOFLINE_POSTGRES_URL overrides. */
  postgres_url?: string;
  /** Connect / server-selection timeout. */
  timeout_ms: number;
  /** Extra driver options (tlsCAFile, retryWrites, readPreference...). */
  options: Record<string, unknown>;
  /** The run's budget for retrying transient database errors (common/retry.ts). */
  retry: { max_retries: number; max_time_ms: number; min_delay_ms: number; max_delay_ms: number };
}

export const mongodbSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['uri', 'database'],
  properties: {
    uri: { type: 'string', pattern: '^mongodb(\\+srv)?://', description: 'a mongodb:// or mongodb+srv:// URI' },
    database: { type: 'string', minLength: 1, pattern: '^[^/\\\\. "$]+$' },
    replicas: { type: 'array', items: { type: 'string', pattern: '^mongodb(\\+srv)?://' }, default: [] },
    discover_members: { type: 'boolean', default: false },
    postgres_url: { type: 'string', pattern: '^postgres(ql)?://' },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 600000, default: 5000 },
    options: { type: 'object', default: {} },
    retry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_retries: { type: 'integer', minimum: 0, maximum: 1000, default: 12 },
        max_time_ms: { type: 'integer', minimum: 0, maximum: 3600000, default: 60000 },
        min_delay_ms: { type: 'integer', minimum: 1, maximum: 60000, default: 250 },
        max_delay_ms: { type: 'integer', minimum: 1, maximum: 300000, default: 8000 },
      },
    },
  },
} as const;
