import type { JsonObject } from '../protocol/messages.js';

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
/** What a stream maps with: synchronous unless its mapping computes fields (JSONata evaluates with promises). */
export interface StreamMapper {
  readonly name: string;
  map(data: JsonObject, ctx: MapContext): MapOutcome | Promise<MapOutcome>;
}
export interface Mapper extends StreamMapper {
  map(data: JsonObject, ctx: MapContext): MapOutcome;
}
