import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/common/logger.js';
import { startPrimaryGateway, startPrimaryPostgres, stopPrimaryGateway, stopPrimaryPostgres } from '../../../src/stack/primary-faults.js';
import { runSync } from '../../../src/sync/run-sync.js';
import type { SyncReport } from '../../../src/sync/run-result.js';
import { balanced } from '../../../src/sync/summary.js';
import { pollUntil, scratchDatabases } from '../../helpers.js';
import { fixture, observations } from '../../integration/sync/sync-fixture.js';
import { content } from '../kill/kill-trial.js';

/**
 * Database outages in the middle of a sync: the primary's FerretDB gateway, or the
 * PostgreSQL behind it, down for 5 s and for 30 s. A transient failure is retried within
 * the run's budget (config `mongodb.retry`); if the budget runs out the run ends `failed`
 * with one classified line (never a server trace) and says so in its run record. Either
 * way, a rerun after the outage leaves exactly the input: nothing lost, nothing doubled.
 */

const scratch = scratchDatabases();
const RECORDS = 400;
const expected = observations(RECORDS, 7, 0)
  .map((o) => JSON.stringify(o))
  .sort();

const outages = [
  { what: 'FerretDB primary gateway', seconds: 5, mode: 'append_dedup', stop: stopPrimaryGateway, start: startPrimaryGateway },
  { what: 'FerretDB primary gateway', seconds: 30, mode: 'append', stop: stopPrimaryGateway, start: startPrimaryGateway },
  { what: 'primary PostgreSQL', seconds: 5, mode: 'append', stop: stopPrimaryPostgres, start: startPrimaryPostgres },
  { what: 'primary PostgreSQL', seconds: 30, mode: 'append_dedup', stop: stopPrimaryPostgres, start: startPrimaryPostgres },
] as const;

afterAll(async () => {
  // Whatever happened, leave the stack whole for the tests after this file.
  await startPrimaryPostgres().catch(() => undefined);
  await startPrimaryGateway().catch(() => undefined);
  delete process.env.PROOFLINE_SYNC_FLUSH_DELAY_MS;
});

describe('a database outage during a sync', () => {
  it.each(outages)('$what down for $seconds s (incremental + $mode): ridden through, or failed in one classified line; the rerun is exact', async (o) => {
    const f = fixture(`outage${o.seconds}`);
    scratch.dbs.push(f.database);
    f.writeFile('obs.jsonl', observations(RECORDS, 7, 0));
    const stream = { sync_mode: 'incremental', destination_sync_mode: o.mode, cursor_field: 'seq', batch_size: 25 };
    const config = f.config(stream);
    const db = scratch.client.db(f.database);
    // A pause after each flush stretches the run over the outage.
    process.env.PROOFLINE_SYNC_FLUSH_DELAY_MS = '150';
    const logger = createLogger({ level: 'silent' });
    const running = runSync(config, { logger });
    let during: SyncReport | undefined;
    try {
      const started = await pollUntil(async () => (await db.collection('obs').countDocuments()) >= 50, 60_000, 20);
      expect(started.value, 'the sync wrote before the outage').toBeTruthy();
      await o.stop();
      await new Promise((r) => setTimeout(r, o.seconds * 1000));
    } finally {
      await o.start();
      delete process.env.PROOFLINE_SYNC_FLUSH_DELAY_MS;
      during = await running;
    }
    const s = during.streams[0]!;
    // The default budget (12 retries, 60 s, backoff growing with the run's failures in a row) rides through 5 s.
    if (o.seconds <= 5) expect(during.status, JSON.stringify(s)).toBe('succeeded');
    expect(balanced(s), JSON.stringify(s)).toBe(true);
    const record = await db.collection('_proofline_runs').findOne({ _id: during.runId as never });
    expect(record?.status, 'the run record says how the run ended, once the database is back').toBe(during.status);
    if (during.status === 'failed') {
      // One line, the classified code first, and no FerretDB/Go trace or stack.
      expect(s.error).toMatch(/^\[(CONNECTION_REFUSED|SERVER_TIMEOUT|HOST_UNREACHABLE|SERVER_ERROR)\] /);
      expect(s.error).not.toMatch(/\n|goroutine|\.go:\d+|at .*\.js:\d+/);
    } else {
      expect(during.status).toBe('succeeded');
    }
    const rerun = await runSync(config, { logger });
    expect(rerun.status).toBe('succeeded');
    for (const r of rerun.streams) expect(balanced(r)).toBe(true);
    expect(await content(db)).toEqual(expected);
  });
});
