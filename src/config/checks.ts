/**
 * `checks:` — what each check measures and the thresholds it is judged against. Owned by
 * src/checks. Every check has `enabled` and `interval` (the monitor's schedule); the rest
 * is per check. Unknown keys are rejected so a misspelt threshold never silently passes.
 */

export type Severity = 'fail' | 'warn';

interface CheckCommon {
  enabled: boolean;
  /** How often the monitor runs it: "30s", "5m", "1h". */
  interval: string;
}

export interface AvailabilityConfig extends CheckCommon {
  ping_samples: number;
  op_samples: number;
  /** Scratch collection for insert/update/delete, dropped afterwards. */
  scratch_collection: string;
  /** Collection read by find/aggregate on replicas (read-only); default: the first one listed. */
  read_collection?: string;
  connect_ms: number;
  ping_p95_ms: number;
  op_p95_ms: number;
}

export interface SchemaTarget {
  collection: string;
  /** Path of a draft-07 JSON Schema file, relative to the config file. */
  schema: string;
}

export interface SchemaCheckConfig extends CheckCommon {
  collections: SchemaTarget[];
  /** "all" scans the whole collection; a number validates a sample of that many documents. */
  sample_size: number | 'all';
  samples_k: number;
  max_invalid_rate: number;
  source_field: string;
}

export const QUALITY_RULE_TYPES = ['null_rate', 'duplicates', 'range', 'freshness', 'volume', 'cross_field'] as const;
export type QualityRuleType = (typeof QUALITY_RULE_TYPES)[number];

interface RuleCommon {
  name?: string;
  collection?: string;
  severity: Severity;
}
export interface NullRateRule extends RuleCommon {
  type: 'null_rate';
  field: string;
  max: number;
}
export interface DuplicatesRule extends RuleCommon {
  type: 'duplicates';
  key: string[];
  max: number;
}
export interface RangeRule extends RuleCommon {
  type: 'range';
  field: string;
  min?: number;
  max?: number;
  max_violations: number;
}
export interface FreshnessRule extends RuleCommon {
  type: 'freshness';
  field: string;
  /** "2h", "1d"... */
  max_age: string;
}
export interface VolumeRule extends RuleCommon {
  type: 'volume';
  time_field: string;
  source_field: string;
  min_per_day?: number;
  max_per_day?: number;
  /** Sources that must appear; a missing one counts as 0 per day. */
  sources?: string[];
  /** Only judge the last days of the data ("7d"): older gaps in a backfilled history are not news. */
  window?: string;
  /** Learned from the data: the newest day of each source against the same weekday in its history (robust z-score). */
  baseline?: { min_points: number; max_z: number };
}
export interface CrossFieldRule extends RuleCommon {
  type: 'cross_field';
  left: string;
  op: '<=' | '<' | '>=' | '>' | '==' | '!=';
  right: string;
  tolerance: number;
  max_violations: number;
}
export type QualityRule = NullRateRule | DuplicatesRule | RangeRule | FreshnessRule | VolumeRule | CrossFieldRule;

export interface QualityCheckConfig extends CheckCommon {
  /** Default collection of the rules. */
  collection?: string;
  rules: QualityRule[];
}

export interface ReplicationCheckConfig extends CheckCommon {
  samples: number;
  timeout_ms: number;
  poll_interval_ms: number;
  max_lag_p95_ms: number;
  write_concern: { w: number | 'majority'; j?: boolean; wtimeout_ms?: number };
  marker_collection: string;
  /** How long a long-lived process (the monitor) keeps polling a marker that timed out, to measure the real delay; beyond it, "≥ cap". */
  stale_cap_ms: number;
  /** A real document updated (a probe field set, then removed) and read back on every member. */
  update_probe?: { collection: string; filter: Record<string, unknown> };
  divergence?: { collection: string; time_field: string; window: string };
}

/** Two series of one collection that should agree in time: the same key (a station) in two sources, or two nearby stations. */
export interface CoherencePair {
  /** The field telling the series apart (`id_station`). */
  key_field: string;
  a: string;
  b: string;
  /** The field compared at the same hours (default: `time.profile_field`). */
  field?: string;
  /** Largest tolerated median difference b − a at the same hour, in the field's unit. */
  max_bias: number;
}

export interface CoherenceTimeConfig {
  /** The time field (a date). */
  field: string;
  /** The numeric field whose hour-of-day profile is compared between sources. */
  profile_field: string;
  /** Largest tolerated shift of a source's profile against the reference, in hours. */
  max_shift_h: number;
  pairs: CoherencePair[];
}

export interface CoherenceCheckConfig extends CheckCommon {
  collection?: string;
  source_field: string;
  /** The source the others are compared with; without it each source is compared with all the others pooled. */
  reference?: string;
  /** Numeric fields whose distributions are compared between sources. */
  fields: string[];
  /** Values kept per source and field (a seeded reservoir sample): memory stays bounded. */
  max_values_per_source: number;
  /** A source with fewer values than this for a field is not judged on it (a finding says so). */
  min_values: number;
  /** Kolmogorov–Smirnov distance (0…1) between a source and the reference. */
  max_ks: number;
  /** |median − reference median| in reference interquartile ranges. */
  max_median_shift_iqr: number;
  /** max(IQR / reference IQR, reference IQR / IQR). */
  max_iqr_ratio: number;
  time?: CoherenceTimeConfig;
}

export interface ChecksConfig {
  availability: AvailabilityConfig;
  schema: SchemaCheckConfig;
  quality: QualityCheckConfig;
  replication: ReplicationCheckConfig;
  coherence: CoherenceCheckConfig;
}

const duration = { type: 'string', pattern: '^\\d+(\\.\\d+)?(ms|s|m|h|d)$', description: 'a duration such as 500ms, 30s, 5m, 2h, 1d' } as const;
const common = { enabled: { type: 'boolean', default: true }, interval: { ...duration, default: '60s' } } as const;
const severity = { enum: ['fail', 'warn'], default: 'fail' } as const;
const ruleBase = { name: { type: 'string' }, collection: { type: 'string', minLength: 1 }, severity } as const;

const rule = (type: QualityRuleType, required: string[], properties: Record<string, unknown>) => ({
  if: { properties: { type: { const: type } }, required: ['type'] },
  then: { type: 'object', additionalProperties: false, required: ['type', ...required], properties: { type: { const: type }, ...ruleBase, ...properties } },
});

const qualityRule = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: QUALITY_RULE_TYPES } },
  allOf: [
    rule('null_rate', ['field', 'max'], { field: { type: 'string' }, max: { type: 'number', minimum: 0, maximum: 1 } }),
    rule('duplicates', ['key'], { key: { type: 'array', items: { type: 'string' }, minItems: 1 }, max: { type: 'integer', minimum: 0, default: 0 } }),
    rule('range', ['field'], {
      field: { type: 'string' },
      min: { type: 'number' },
      max: { type: 'number' },
      max_violations: { type: 'integer', minimum: 0, default: 0 },
    }),
    rule('freshness', ['field', 'max_age'], { field: { type: 'string' }, max_age: duration }),
    rule('volume', ['time_field'], {
      time_field: { type: 'string' },
      source_field: { type: 'string', default: 'source' },
      min_per_day: { type: 'number', minimum: 0 },
      max_per_day: { type: 'number', minimum: 0 },
      sources: { type: 'array', items: { type: 'string' } },
      window: duration,
      baseline: {
        type: 'object',
        additionalProperties: false,
        properties: { min_points: { type: 'integer', minimum: 3, default: 4 }, max_z: { type: 'number', exclusiveMinimum: 0, default: 3.5 } },
      },
    }),
    rule('cross_field', ['left', 'op', 'right'], {
      left: { type: 'string' },
      op: { enum: ['<=', '<', '>=', '>', '==', '!='] },
      right: { type: 'string' },
      tolerance: { type: 'number', minimum: 0, default: 0 },
      max_violations: { type: 'integer', minimum: 0, default: 0 },
    }),
  ],
} as const;

export const checksSchema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  properties: {
    availability: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ...common,
        ping_samples: { type: 'integer', minimum: 1, maximum: 10000, default: 20 },
        op_samples: { type: 'integer', minimum: 1, maximum: 1000, default: 5 },
        scratch_collection: { type: 'string', minLength: 1, default: '_proofline_scratch' },
        read_collection: { type: 'string', minLength: 1 },
        connect_ms: { type: 'number', exclusiveMinimum: 0, default: 2000 },
        ping_p95_ms: { type: 'number', exclusiveMinimum: 0, default: 100 },
        op_p95_ms: { type: 'number', exclusiveMinimum: 0, default: 500 },
      },
    },
    schema: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ...common,
        collections: {
          type: 'array',
          default: [],
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['collection', 'schema'],
            properties: { collection: { type: 'string', minLength: 1 }, schema: { type: 'string', minLength: 1 } },
          },
        },
        sample_size: { anyOf: [{ const: 'all' }, { type: 'integer', minimum: 1 }], default: 'all' },
        samples_k: { type: 'integer', minimum: 0, maximum: 1000, default: 5 },
        max_invalid_rate: { type: 'number', minimum: 0, maximum: 1, default: 0 },
        source_field: { type: 'string', minLength: 1, default: 'source' },
      },
    },
    quality: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: { ...common, collection: { type: 'string', minLength: 1 }, rules: { type: 'array', items: qualityRule, default: [] } },
    },
    replication: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ...common,
        samples: { type: 'integer', minimum: 1, maximum: 10000, default: 10 },
        timeout_ms: { type: 'integer', minimum: 10, maximum: 600000, default: 5000 },
        poll_interval_ms: { type: 'integer', minimum: 1, maximum: 10000, default: 10 },
        max_lag_p95_ms: { type: 'number', exclusiveMinimum: 0, default: 1000 },
        write_concern: {
          type: 'object',
          additionalProperties: false,
          default: { w: 1 },
          properties: {
            w: { anyOf: [{ type: 'integer', minimum: 0 }, { const: 'majority' }], default: 1 },
            j: { type: 'boolean' },
            wtimeout_ms: { type: 'integer', minimum: 1 },
          },
        },
        marker_collection: { type: 'string', minLength: 1, default: '_proofline_markers' },
        stale_cap_ms: { type: 'integer', minimum: 1000, maximum: 86_400_000, default: 600_000 },
        update_probe: {
          type: 'object',
          additionalProperties: false,
          required: ['collection'],
          properties: { collection: { type: 'string', minLength: 1 }, filter: { type: 'object', default: {} } },
        },
        divergence: {
          type: 'object',
          additionalProperties: false,
          required: ['collection', 'time_field'],
          properties: { collection: { type: 'string', minLength: 1 }, time_field: { type: 'string', minLength: 1 }, window: { ...duration, default: '7d' } },
        },
      },
    },
    coherence: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        ...common,
        collection: { type: 'string', minLength: 1 },
        source_field: { type: 'string', minLength: 1, default: 'source' },
        reference: { type: 'string', minLength: 1 },
        fields: { type: 'array', items: { type: 'string', minLength: 1 }, default: [] },
        max_values_per_source: { type: 'integer', minimum: 10, maximum: 1_000_000, default: 20_000 },
        min_values: { type: 'integer', minimum: 2, default: 30 },
        max_ks: { type: 'number', minimum: 0, maximum: 1, default: 0.5 },
        max_median_shift_iqr: { type: 'number', minimum: 0, default: 1 },
        max_iqr_ratio: { type: 'number', minimum: 1, default: 2 },
        time: {
          type: 'object',
          additionalProperties: false,
          required: ['field', 'profile_field'],
          properties: {
            field: { type: 'string', minLength: 1 },
            profile_field: { type: 'string', minLength: 1 },
            max_shift_h: { type: 'number', minimum: 0, maximum: 12, default: 0.5 },
            pairs: {
              type: 'array',
              default: [],
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['key_field', 'a', 'b', 'max_bias'],
                properties: {
                  key_field: { type: 'string', minLength: 1 },
                  a: { type: 'string', minLength: 1 },
                  b: { type: 'string', minLength: 1 },
                  field: { type: 'string', minLength: 1 },
                  max_bias: { type: 'number', minimum: 0 },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
