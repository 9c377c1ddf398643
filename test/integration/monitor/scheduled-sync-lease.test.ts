import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/config/load.js';
import { MonitorMetrics } from '../../../src/monitor/metrics.js';
import { SyncSchedules } from '../../../src/monitor/syncs.js';
import { leaseKey, tryAcquireLease } from '../../../src/store/lease.js';
import { runSync } from '../../../src/sync/run-sync.js';
import { pollUntil, scratchDatabases, writePipelineYaml } from '../../helpers.js';
import { fixture, observations } from '../sync/sync-fixture.js';

/**
 * The monitor's scheduled syncs go through the same runner, so they respect the stream
 * leases: while another scheduler holds the stream the tick writes nothing and is recorded
 * `skipped`; once the lease is released the next tick writes.
 */

const scratch = scratchDatabases();

describe("the monitor's scheduled sync and a stream lease held elsewhere", () => {
  it('skips (nothing written, metric and state say skipped), then runs once the lease is released', async () => {
    const f = fixture('mon_lease');
    scratch.dbs.push(f.database);
    f.writeFile('a.jsonl', observations(80, 5, 0));
    const raw = parse(readFileSync(f.configFile({ sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: 'seq' }), 'utf8')) as Record<string, unknown>;
    const config = loadConfig(writePipelineYaml({ ...raw, monitor: { syncs: [{ name: 'obs-yearly', cron: '0 0 1 1 *', streams: ['obs'] }] } }, f.configFile({})), {});
    const held = await tryAcquireLease(scratch.client.db(f.database), leaseKey(config.name, 'obs'), { host: 'cron-pod-7', pid: 1, runId: 'cron-run' }, 60_000);
    expect(held.acquired).toBe(true);
    if (!held.acquired) return;

    const metrics = new MonitorMetrics();
    const schedules = new SyncSchedules(config, { runSync, metrics, history: () => undefined });
    const settle = async (): Promise<void> => {
      await pollUntil(async () => !schedules.states()[0]!.running, 60_000, 50);
    };
    expect(schedules.trigger('obs-yearly')).toBe('started');
    await settle();
    expect(schedules.states()[0]).toMatchObject({ lastStatus: 'skipped', runs: 1 });
    expect(await metrics.registry.metrics()).toMatch(/proofline_sync_runs_total\{sync="obs-yearly",status="skipped"\} 1/);
    expect(await scratch.client.db(f.database).collection('obs').countDocuments()).toBe(0);

    await held.lease.release();
    schedules.trigger('obs-yearly');
    await settle();
    expect(schedules.states()[0]).toMatchObject({ lastStatus: 'succeeded', runs: 2 });
    expect(await scratch.client.db(f.database).collection('obs').countDocuments()).toBe(80);
    await schedules.stop(1_000);
  });
});
