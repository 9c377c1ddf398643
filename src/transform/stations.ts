import type { JsonObject } from '../protocol/messages.js';
import { lineage, sourceError } from './lineage.js';
import type { FieldFailure, Mapper } from './mapper.js';
import { readNumber } from './measurements.js';

/** Station metadata (InfoClimat payload `stations`, Weather Underground config) → `stations` documents. */

function text(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' ? null : s;
}

function stationsMapper(name: string, source: 'infoclimat' | 'wunderground'): Mapper {
  return {
    name,
    map(data: JsonObject, ctx) {
      const parseFailure = sourceError(data);
      if (parseFailure) return { ok: false, failures: parseFailure };
      const failures: FieldFailure[] = [];
      const id = text(data.id ?? data.id_station);
      if (!id) failures.push({ field: 'id', rule: 'required', value: data.id ?? null, message: 'a station needs an id' });
      const latitude = readNumber('latitude', data.latitude, [], failures);
      const longitude = readNumber('longitude', data.longitude, [], failures);
      const elevation = readNumber('elevation', data.elevation ?? data.elevation_m, ['m'], failures);
      if (failures.length) return { ok: false, failures };
      const license = data.license === undefined || data.license === '' ? null : data.license;
      return {
        ok: true,
        doc: {
          id_station: id,
          source,
          name: text(data.name),
          latitude,
          longitude,
          elevation_m: elevation,
          type: text(data.type) ?? (source === 'wunderground' ? 'pws' : null),
          license: typeof license === 'object' || typeof license === 'string' ? license : String(license),
          timezone: text(data.timezone),
          country: text(data.country),
          _proofline: lineage(data, source, ctx),
        },
      };
    },
  };
}

export const infoclimatStationsMapper = (): Mapper => stationsMapper('infoclimat_stations', 'infoclimat');
export const wundergroundStationsMapper = (): Mapper => stationsMapper('wunderground_stations', 'wunderground');
