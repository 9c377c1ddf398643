import { s3ConfigSchema } from '../s3-location.js';

/** The `wunderground` source config: a folder (local or s3://bucket/prefix) of .xlsx exports and the stations they belong to. */
export const wundergroundConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'stations'],
  properties: {
    type: { const: 'wunderground' },
    path: { type: 'string', minLength: 1, description: 'folder of .xlsx exports, relative to the config file, or s3://bucket/prefix' },
    s3: s3ConfigSchema,
    pattern: { type: 'string', minLength: 1, default: '*.xlsx', description: 'glob of the export files inside the folder' },
    stations: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'timezone'],
        properties: {
          id: { type: 'string', pattern: '^[A-Za-z0-9]+$', description: 'Weather Underground station id, e.g. ILAMAD25' },
          timezone: { type: 'string', minLength: 1, description: 'IANA time zone of the local times in the export, e.g. Europe/Paris' },
          name: { type: 'string' },
          country: { type: 'string' },
          latitude: { type: 'number', minimum: -90, maximum: 90 },
          longitude: { type: 'number', minimum: -180, maximum: 180 },
          elevation_m: { type: 'number' },
        },
      },
    },
  },
} as const;

export const HOURLY_STREAM = 'wunderground_hourly';
/** The hourly rows' keys, as the example's mapping names them: one row per station and UTC hour. */
export const HOURLY_KEYS = { cursor: 'dh_utc', primaryKey: ['id_station', 'dh_utc'] };
export const STATIONS_STREAM = 'wunderground_stations';

const cell = { type: ['string', 'number', 'null'] };
export const exportRowSchema = {
  type: 'object',
  properties: {
    Time: cell,
    Temperature: cell,
    'Dew Point': cell,
    Humidity: cell,
    Wind: cell,
    Speed: cell,
    Gust: cell,
    Pressure: cell,
    'Precip. Rate.': cell,
    'Precip. Accum.': cell,
    UV: cell,
    Solar: cell,
    _pl_station: { type: 'string' },
    _pl_date: { type: 'string' },
    _pl_timezone: { type: 'string' },
  },
} as const;

export const stationSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: ['string', 'null'] },
    latitude: { type: ['number', 'null'] },
    longitude: { type: ['number', 'null'] },
    elevation_m: { type: ['number', 'null'] },
    timezone: { type: 'string' },
  },
} as const;
