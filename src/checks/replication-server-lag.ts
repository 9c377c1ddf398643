import type { MongoClient, Document } from 'mongodb';
import pg from 'pg';
import type { PipelineConfig } from '../config/load.js';
import { formatMs } from '../common/duration.js';
import type { Capabilities } from '../store/capabilities.js';
import { capabilitiesOf } from '../store/capability-cache.js';
import type { ResultBuilder } from './builder.js';
import type { Endpoint } from './endpoints.js';
import { CheckStatus } from './result.js';
import { UNSUPPORTED_BY_SERVER } from '../store/capabilities.js';
import { redactText } from '../common/redact.js';
import { errorMessage } from '../errors.js';

/**
 * The lag the server itself reports, shown beside proofline's marker measurement:
 * replSetGetStatus optimes on a MongoDB replica set, else pg_stat_replication on the
 * PostgreSQL primary behind FerretDB (mongodb.postgres_url), else "not supported".
 */

export interface ServerLagEntry {
  /** Member name (host:port) or PostgreSQL standby application_name. */
  member: string;
  lag_ms: number | null;
  /** PostgreSQL only: WAL bytes the standby has received but not replayed yet, or not received. */
  lag_bytes?: number | null;
  state?: string;
}

export interface ServerLag {
  source: 'replSetGetStatus' | 'pg_stat_replication' | 'none';
  supported: boolean;
  note: string;
  members: ServerLagEntry[];
}

async function fromReplSet(client: MongoClient): Promise<ServerLag> {
  const status = (await client.db('admin').command({ replSetGetStatus: 1 })) as Document;
  const members = (status.members ?? []) as Document[];
  const primary = members.find((m) => m.stateStr === 'PRIMARY');
  const primaryTime = primary?.optimeDate instanceof Date ? primary.optimeDate.getTime() : null;
  return {
    source: 'replSetGetStatus',
    supported: true,
    note: 'primary optimeDate minus member optimeDate (1 s resolution on an idle set)',
    members: members
      .filter((m) => m.stateStr !== 'PRIMARY')
      .map((m) => ({
        member: String(m.name),
        state: String(m.stateStr),
        lag_ms: primaryTime !== null && m.optimeDate instanceof Date ? Math.max(0, primaryTime - m.optimeDate.getTime()) : null,
      })),
  };
}

async function fromPostgres(url: string): Promise<ServerLag> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, statement_timeout: 5_000 });
  await client.connect();
  try {
    const r = await client.query<{ application_name: string; state: string; replay_lag_ms: string | null; lag_bytes: string | null }>(
      `SELECT application_name, state,
              EXTRACT(EPOCH FROM replay_lag) * 1000 AS replay_lag_ms,
              pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag_bytes
         FROM pg_stat_replication ORDER BY application_name`,
    );
    return {
      source: 'pg_stat_replication',
      supported: true,
      note: 'replay_lag (null when the standby is idle and caught up) and WAL bytes not yet replayed, from the PostgreSQL primary',
      members: r.rows.map((row) => ({
        member: row.application_name || '(standby)',
        state: row.state,
        lag_ms: row.replay_lag_ms === null ? null : Number(row.replay_lag_ms),
        lag_bytes: row.lag_bytes === null ? null : Number(row.lag_bytes),
      })),
    };
  } finally {
    // The figures are read; a failed disconnect cannot change them.
    await client.end().catch(() => undefined);
  }
}

export async function serverLag(client: MongoClient, caps: Capabilities, postgresUrl: string | undefined): Promise<ServerLag> {
  try {
    if (caps.replSetStatus.supported) return await fromReplSet(client);
    if (postgresUrl) return await fromPostgres(postgresUrl);
  } catch (e) {
    return { source: 'none', supported: false, note: `server-reported lag could not be read: ${redactText(errorMessage(e))}`, members: [] };
  }
  return {
    source: 'none',
    supported: false,
    note: `server-reported lag: ${UNSUPPORTED_BY_SERVER} (no replSetGetStatus; set mongodb.postgres_url on a PostgreSQL-backed FerretDB)`,
    members: [],
  };
}

/** The server's lag figures as measurements of the replication check, and in the stale findings an operator reads first. */
export async function measureServerLag(b: ResultBuilder, client: MongoClient, primaryEndpoint: Endpoint, config: PipelineConfig): Promise<void> {
    const caps = await capabilitiesOf(client, primaryEndpoint.uri);
    const lag = await serverLag(client, caps, primaryEndpoint.shard ? undefined : config.mongodb.postgres_url);
    b.evidence.server_lag = lag;
    if (!lag.supported) b.finding(CheckStatus.UNSUPPORTED, lag.note);
    for (const m of lag.members) {
      b.measure('server_lag_ms', m.lag_ms, { unit: 'ms', labels: { member: m.member, source: lag.source }, key: `server_lag_ms[${m.member}]` });
      if (m.lag_bytes !== undefined) b.measure('server_lag_bytes', m.lag_bytes, { unit: 'bytes', labels: { member: m.member, source: lag.source }, key: `server_lag_bytes[${m.member}]` });
    }
    // Put the server's own figure into the stale message an operator reads first.
    const serverNote = lag.members.map((m) => `${m.member}: ${formatMs(m.lag_ms)}${m.lag_bytes != null ? `, ${m.lag_bytes} WAL bytes behind` : ''}`).join('; ');
    if (serverNote) for (const f of b.findings) if (/ is stale by /.test(f.message)) f.message += `; server-reported (${lag.source}) ${serverNote}`;
}
