import type { MongoClient } from 'mongodb';
import { probeCapabilities, type Capabilities } from '../store/capabilities.js';

/**
 * The capability probe writes (a scratch collection with a validator, a transaction, a
 * change stream) and the monitor runs checks every few seconds, each on a fresh client:
 * reuse one answer per endpoint for a while instead of probing on every run. A server
 * upgrade is picked up after TTL_MS.
 */

const TTL_MS = 10 * 60_000;
const cache = new Map<string, { at: number; caps: Promise<Capabilities> }>();

export function capabilitiesFor(client: MongoClient, endpointKey: string): Promise<Capabilities> {
  const hit = cache.get(endpointKey);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.caps;
  const caps = probeCapabilities(client);
  cache.set(endpointKey, { at: Date.now(), caps });
  // A failed probe must not be remembered.
  caps.catch(() => cache.delete(endpointKey));
  return caps;
}
