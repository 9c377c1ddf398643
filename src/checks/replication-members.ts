import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoClient, WriteConcernSettings } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import type { ResultBuilder } from './builder.js';
import { describeEndpoint, type Endpoint } from './endpoints.js';
import { CheckStatus } from './result.js';
import { elapsedMs } from './stats.js';

/**
 * What the replication sub-checks share: the connected replicas, polling until a write
 * shows up on one, and the replicas that do not know a collection yet (FerretDB's gateway
 * caches collections at start), each of which gets an actionable failure.
 */

export const RESTART_HINT = 'FerretDB caches collections at start: run `proofline stack restart-replica-gateway` (or restart the replica-side gateway)';

export interface Member {
  endpoint: Endpoint;
  client: MongoClient;
}


/** Poll until `probe` is true or the timeout passes; elapsed ms, or null on timeout. */
export async function pollVisible(probe: () => Promise<boolean>, timeoutMs: number, intervalMs: number, signal?: AbortSignal): Promise<number | null> {
  const start = performance.now();
  for (;;) {
    // A read that fails (the replica restarting, a cursor dropped) is "not visible yet": the timeout decides.
    if (await probe().catch(() => false)) return elapsedMs(start);
    if (performance.now() - start >= timeoutMs || signal?.aborted) return null;
    await sleep(intervalMs);
  }
}

export async function knowsCollection(client: MongoClient, db: string, name: string): Promise<boolean> {
  const found = await client.db(db).listCollections({ name }, { nameOnly: true }).toArray();
  return found.length > 0;
}

/** Keep only the replicas that see `collection`; the others get an actionable failure. */
export async function visibleOn(b: ResultBuilder, members: Member[], db: string, collection: string, purpose: string): Promise<Member[]> {
  const out: Member[] = [];
  for (const m of members) {
    if (await knowsCollection(m.client, db, collection)) out.push(m);
    else
      b.finding(
        CheckStatus.FAIL,
        `${describeEndpoint(m.endpoint)} does not know collection ${db}.${collection} (${purpose}) although the primary has it; ${RESTART_HINT}`,
        { endpoint: m.endpoint.label },
      );
  }
  return out;
}

export function writeConcernOf(config: PipelineConfig): WriteConcernSettings {
  const wc = config.checks.replication.write_concern;
  return { w: wc.w, ...(wc.j !== undefined ? { journal: wc.j } : {}), ...(wc.wtimeout_ms ? { wtimeoutMS: wc.wtimeout_ms } : {}) };
}
