/**
 * Missed probe ticks of the monitor while a sync writes at full speed.
 *
 * Two phases of the same length on the local stack (PROOFLINE_* env selects it):
 *   baseline: the monitor alone, availability probe every BENCH_INTERVAL_MS;
 *   load:     the same, while a sync-shaped writer upserts generated weather documents
 *             in batches of BENCH_BATCH, back to back, in the same process (the worst case:
 *             `monitor.syncs` runs syncs inside the monitor and they share its event loop).
 * A tick is missed when the previous probe is still running or the timer could not fire
 * before the next tick was due. Goal: ≤ 1 % missed under load.
 *
 *   node --import tsx bench/monitor-missed-ticks.ts      (BENCH_SECONDS=30 BENCH_INTERVAL_MS=1000 BENCH_BATCH=250)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import { parseConfig } from '../src/config/load.js';
import { currentStack } from '../src/stack/stack.js';
import { connect } from '../src/store/connection.js';
import { createLogger, setLogger } from '../src/common/logger.js';
import { startMonitor } from '../src/monitor/service.js';
import type { JobStats } from '../src/monitor/scheduler.js';
import { makeDocGenerator } from './weather-docs.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const INTERVAL_MS = Number(process.env.BENCH_INTERVAL_MS ?? 1000);
const BATCH = Number(process.env.BENCH_BATCH ?? 250);

setLogger(createLogger({ level: 'warn', pretty: false }));
const stack = currentStack();
const database = `bench_monitor_${process.pid}`;
const config = parseConfig(
  {
    name: 'bench-monitor',
    mongodb: { uri: stack.primaryUri, database, replicas: stack.replicaUris },
    checks: {
      availability: { interval: `${INTERVAL_MS}ms`, ping_samples: 3, op_samples: 1 },
      schema: { enabled: false },
      quality: { enabled: false },
      replication: { enabled: false },
    },
    monitor: { port: 0, check_timeout: '10s', server_log: { interval: '5s' } },
  },
  'bench.yaml',
  {},
);

interface Phase {
  name: string;
  stats: JobStats;
  written: number;
  seconds: number;
}

async function phase(name: string, withLoad: boolean): Promise<Phase> {
  const monitor = await startMonitor(config);
  const writer = await connect(stack.primaryUri);
  const coll = writer.db(database).collection('hourly_measurements');
  await coll.createIndex({ id_station: 1, dh_utc: 1 }, { unique: true });
  const gen = makeDocGenerator(7);
  let written = 0;
  let running = withLoad;
  const load = (async () => {
    let i = 0;
    while (running) {
      const ops: AnyBulkWriteOperation<Document>[] = [];
      for (let k = 0; k < BATCH; k++, i++) {
        const doc = gen(i);
        ops.push({ updateOne: { filter: { id_station: doc.id_station, dh_utc: doc.dh_utc }, update: { $set: doc }, upsert: true } });
      }
      await coll.bulkWrite(ops, { ordered: false });
      written += ops.length;
    }
  })();
  const started = performance.now();
  await sleep(SECONDS * 1000);
  // Count within the window only: the writer's last batch may still be in flight.
  const stats = monitor.scheduler.stats().find((s) => s.name === 'availability')!;
  const seconds = (performance.now() - started) / 1000;
  const writtenInWindow = written;
  running = false;
  await load;
  await monitor.close();
  await writer.close();
  return { name, stats, written: writtenInWindow, seconds };
}

const baseline = await phase('baseline (monitor alone)', false);
const loaded = await phase('load (sync at full speed)', true);

const pct = (p: Phase): number => (p.stats.due ? (100 * p.stats.missed) / p.stats.due : 0);
const cleanup = await connect(stack.primaryUri);
await cleanup.db(database).dropDatabase();
await cleanup.close();

console.log(`monitor missed ticks: availability probe every ${INTERVAL_MS} ms, ${SECONDS} s per phase, writer batches of ${BATCH}, ${stack.kind} stack`);
console.log('phase                       due   ran  missed  missed%  max late ms  docs/s written');
for (const p of [baseline, loaded]) {
  console.log(
    `${p.name.padEnd(26)} ${String(p.stats.due).padStart(4)} ${String(p.stats.ran).padStart(5)} ${String(p.stats.missed).padStart(7)} ${pct(p).toFixed(2).padStart(8)} ${p.stats.maxLateMs.toFixed(1).padStart(12)} ${(p.written / p.seconds).toFixed(0).padStart(15)}`,
  );
}
const ratio = baseline.stats.maxLateMs > 0 ? loaded.stats.maxLateMs / baseline.stats.maxLateMs : NaN;
console.log(`max tick lateness under load / baseline: ${ratio.toFixed(2)}×`);
console.log(`goal ≤ 1% missed under load: ${pct(loaded) <= 1 ? 'MET' : 'NOT MET'} (${pct(loaded).toFixed(2)}%)`);
process.exitCode = pct(loaded) <= 1 ? 0 : 1;
