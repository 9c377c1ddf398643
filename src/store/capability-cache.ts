import type { MongoClient } from 'mongodb';
import { probeCapabilities, probeRenameDropTarget, type Capabilities, type Capability, type ProbeOptions } from './capabilities.js';

/**
 * The one memory of what each server supports. The probes write (a scratch collection
 * with a validator, a transaction, a change stream, a rename), and a sync, the checks, the
 * report and the monitor all need the answer, the monitor every few seconds: each endpoint
 * is probed once per TTL, whichever client asks. A server upgrade is picked up after TTL_MS;
 * a failed probe is not remembered.
 */

export const CAPABILITY_TTL_MS = 10 * 60_000;

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

const capabilities = new Map<string, Entry<Capabilities>>();
const renames = new Map<string, Entry<Capability>>();

function remembered<T>(cache: Map<string, Entry<T>>, endpoint: string, probe: () => Promise<T>): Promise<T> {
  const hit = cache.get(endpoint);
  if (hit && Date.now() - hit.at < CAPABILITY_TTL_MS) return hit.value;
  const value = probe();
  const entry = { at: Date.now(), value };
  cache.set(endpoint, entry);
  value.catch(() => {
    if (cache.get(endpoint) === entry) cache.delete(endpoint);
  });
  return value;
}

/** What the server at `endpoint` (its URI, the cache key) supports, probed through `client` when not known. */
export function capabilitiesOf(client: MongoClient, endpoint: string, options: ProbeOptions = {}): Promise<Capabilities> {
  return remembered(capabilities, endpoint, () => probeCapabilities(client, options));
}

/** Whether renameCollection with dropTarget works there (the atomic overwrite swap). */
export function renameDropTargetOf(client: MongoClient, endpoint: string): Promise<Capability> {
  return remembered(renames, endpoint, () => probeRenameDropTarget(client));
}

/** Forget what was learnt (of one endpoint, or of all): the next ask probes again. */
export function forgetCapabilities(endpoint?: string): void {
  if (endpoint === undefined) {
    capabilities.clear();
    renames.clear();
  } else {
    capabilities.delete(endpoint);
    renames.delete(endpoint);
  }
}
