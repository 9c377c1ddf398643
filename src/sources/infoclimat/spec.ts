import { s3ConfigSchema } from '../s3-location.js';

/** The `infoclimat` source config: payload files (globs, local or s3://) and/or one HTTP URL. */
export const infoclimatConfigSchema = {
  type: 'object',
  additionalProperties: false,
  anyOf: [{ required: ['paths'] }, { required: ['url'] }],
  properties: {
    type: { const: 'infoclimat' },
    paths: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', minLength: 1 },
      description: 'payload files or globs, relative to the config file (e.g. data/infoclimat/*.json), or s3://bucket/prefix/*.json',
    },
    s3: s3ConfigSchema,
    url: { type: 'string', pattern: '^https?://', description: 'an InfoClimat open-data URL returning one JSON payload' },
    timeout_ms: { type: 'integer', minimum: 100, default: 30000, description: 'timeout of one HTTP attempt' },
    retries: { type: 'integer', minimum: 0, maximum: 20, default: 4, description: 'HTTP retries after the first attempt' },
    retry_base_ms: { type: 'integer', minimum: 1, default: 500, description: 'first backoff delay, doubled each retry' },
  },
} as const;

export const HOURLY_STREAM = 'infoclimat_hourly';
/** The hourly rows' keys, as the example's mapping names them: one row per station and UTC hour. */
export const HOURLY_KEYS = { cursor: 'dh_utc', primaryKey: ['id_station', 'dh_utc'] };
export const STATIONS_STREAM = 'infoclimat_stations';

const text = { type: ['string', 'null'] };
const num = { type: ['number', 'string', 'null'] };

export const hourlyRowSchema = {
  type: 'object',
  properties: {
    id_station: { type: 'string' },
    dh_utc: { type: 'string' },
    temperature: num,
    pression: num,
    humidite: num,
    point_de_rosee: num,
    visibilite: num,
    vent_moyen: num,
    vent_rafales: num,
    vent_direction: num,
    pluie_1h: num,
    pluie_3h: num,
    neige_au_sol: num,
    nebulosite: num,
    temps_omm: num,
  },
} as const;

export const stationRowSchema = {
  type: 'object',
  properties: { id: { type: 'string' }, name: text, latitude: num, longitude: num, elevation: num, type: text, license: {} },
} as const;
