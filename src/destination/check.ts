import { randomBytes } from 'node:crypto';
import { redactText, uriHosts } from '../common/redact.js';
import type { AirbyteConnectionStatus } from '../protocol/messages.js';
import { logger } from '../common/logger.js';
import { withSession } from '../store/session.js';
import { destinationSession, type DestinationConfig } from './config.js';
import { serverMessage } from '../common/server-message.js';

/**
 * `check`: can this config write where it says? Connects (classified errors: auth, TLS,
 * unreachable...), then inserts and drops a probe document in a scratch collection of the
 * target database, because a read-only user passes a ping but fails every sync.
 */
export async function checkDestination(cfg: DestinationConfig): Promise<AirbyteConnectionStatus> {
  try {
    return await withSession(destinationSession(cfg, logger()), async (session) => {
        const { client, db } = session;
        const name = `_proofline_check_${randomBytes(4).toString('hex')}`;
        try {
          await db.collection(name).insertOne({ probe: true, at: new Date() });
        } finally {
          // Harmless if it fails: an empty scratch collection with a unique name is left, and it says what it is.
          await db
            .collection(name)
            .drop()
            .catch(() => undefined);
        }
        // The flavour only decorates the message: the write above is what the check proves.
        const info = await client.db('admin').command({ buildInfo: 1 }).catch(() => ({}) as Record<string, unknown>);
        const flavor = typeof info.ferretdbVersion === 'string' ? `FerretDB ${info.ferretdbVersion}` : `MongoDB-compatible ${String(info.version ?? '')}`.trim();
        return { status: 'SUCCEEDED', message: `wrote and removed a probe document in ${cfg.database} on ${uriHosts(cfg.uri)} (${flavor})` };
    });
  } catch (e) {
    const hint = (e as { hint?: string }).hint;
    return { status: 'FAILED', message: `${serverMessage(e)}${hint ? ` (${redactText(hint)})` : ''}` };
  }
}
