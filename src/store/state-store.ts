import type { Db } from 'mongodb';
import type { JsonObject } from '../protocol/messages.js';

/**
 * `_proofline_state`: one document per (pipeline, stream) holding the source's opaque
 * stream state. Written only after the records it covers are acknowledged by the server.
 */

export const STATE_COLLECTION = '_proofline_state';

export interface StateDoc {
  _id: string;
  pipeline: string;
  stream: string;
  /** The state as JSON text: sources key it by file path, and dotted keys are not storable everywhere (FerretDB). */
  state_json: string;
  run_id: string;
  updated_at: Date;
}

const stateId = (pipeline: string, stream: string): string => `${pipeline}/${stream}`;

export async function loadStreamState(db: Db, pipeline: string, stream: string): Promise<JsonObject | undefined> {
  const doc = await db.collection<StateDoc>(STATE_COLLECTION).findOne({ _id: stateId(pipeline, stream) });
  return doc ? (JSON.parse(doc.state_json) as JsonObject) : undefined;
}

export async function saveStreamState(db: Db, pipeline: string, stream: string, state: JsonObject, runId: string): Promise<void> {
  await db
    .collection<StateDoc>(STATE_COLLECTION)
    .replaceOne({ _id: stateId(pipeline, stream) }, { pipeline, stream, state_json: JSON.stringify(state), run_id: runId, updated_at: new Date() }, { upsert: true });
}
