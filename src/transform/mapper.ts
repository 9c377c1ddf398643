import { ConfigError } from '../errors.js';
import type { JsonObject } from '../protocol/messages.js';
import { identityMapper } from './identity.js';
import { infoclimatHourlyMapper } from './infoclimat-hourly.js';
import { infoclimatStationsMapper, wundergroundStationsMapper } from './stations.js';
import { wundergroundHourlyMapper } from './wunderground-hourly.js';

/**
 * Mappers turn a RAW source record into a target document, or into the list of reasons it
 * cannot be one. They never range-check (the target schema does) but they do reject what
 * cannot be parsed (stray text in a number, an unresolvable local time), with the source
 * column and raw value, so the quarantine says exactly what was wrong.
 */

export interface MapContext {
  runId: string;
  stream: string;
  ingestedAt: Date;
}
export interface FieldFailure {
  field: string;
  rule: string;
  value: unknown;
  message: string;
}
export type MapOutcome = { ok: true; doc: Record<string, unknown> } | { ok: false; failures: FieldFailure[] };
export interface Mapper {
  readonly name: string;
  map(data: JsonObject, ctx: MapContext): MapOutcome;
}

const FACTORIES: Readonly<Record<string, () => Mapper>> = Object.freeze({
  infoclimat_hourly: infoclimatHourlyMapper,
  wunderground_hourly: wundergroundHourlyMapper,
  infoclimat_stations: infoclimatStationsMapper,
  wunderground_stations: wundergroundStationsMapper,
  identity: identityMapper,
});

export const MAPPER_NAMES: readonly string[] = Object.freeze(Object.keys(FACTORIES));

/** A fresh mapper for one stream of one run (mappers may keep per-file state, e.g. DST order). */
export function createMapper(name: string): Mapper {
  const factory = FACTORIES[name];
  if (!factory) throw new ConfigError(`unknown mapping "${name}": expected one of ${MAPPER_NAMES.join(', ')}`);
  return factory();
}
