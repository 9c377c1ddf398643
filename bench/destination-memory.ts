/**
 * Memory of the MongoDB destination as input grows (Airbyte's own MongoDB destination has
 * run out of memory near 1M rows). Streams N RECORD messages through `writeMessages`
 * (append_dedup, bounded batches) and, as the baseline from the same run, loads the same
 * records the naive way (all in memory, then one insertMany). Prints peak heap growth of
 * each and their ratio, for two sizes, so the trend shows: proofline's stays flat.
 *
 *   node --expose-gc --import tsx bench/destination-memory.ts [N=50000]   (needs `proofline stack up`, or MONGODB_URI)
 *
 * On the FerretDB stack (N=20000): proofline 23.3 → 23.2 MiB from 5k to 20k records (flat),
 * the naive load 17.1 → 27.5 MiB (growing with input). Time is not comparable across
 * servers: FerretDB v1 answers `_id: {$in}` by scanning, so keyed writes slow down as the
 * collection grows there; MongoDB uses the _id index.
 */
import { createLogger } from '../src/common/logger.js';
import { parseDestinationConfig } from '../src/destination/config.js';
import { writeMessages } from '../src/destination/write.js';
import type { AirbyteMessage, ConfiguredAirbyteCatalog } from '../src/protocol/messages.js';
import { currentStack } from '../src/stack/stack.js';
import { connect } from '../src/store/connection.js';

const uri = process.env.MONGODB_URI ?? currentStack().primaryUri;
const N = Number(process.argv[2] ?? 50_000);

function record(i: number): AirbyteMessage {
  const data = { id: i, name: `user ${i}`, email: `user${i}@example.com`, age: 20 + (i % 60), bio: 'x'.repeat(400), updated_at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString() };
  return { type: 'RECORD', record: { stream: 'users', data, emitted_at: Date.now() } };
}

async function* messages(n: number): AsyncGenerator<AirbyteMessage> {
  for (let i = 1; i <= n; i += 1) {
    yield record(i);
    if (i % 5000 === 0) yield { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor: i } } } };
  }
}

/** Peak heap growth (MiB) while fn runs, sampled every 20 ms after a GC if exposed. */
async function peak(fn: () => Promise<void>): Promise<{ mib: number; seconds: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage().heapUsed;
  let max = base;
  const timer = setInterval(() => (max = Math.max(max, process.memoryUsage().heapUsed)), 20);
  const t0 = performance.now();
  await fn();
  clearInterval(timer);
  max = Math.max(max, process.memoryUsage().heapUsed);
  return { mib: (max - base) / 1024 / 1024, seconds: (performance.now() - t0) / 1000 };
}

const catalog: ConfiguredAirbyteCatalog = {
  streams: [
    {
      stream: { name: 'users', json_schema: { type: 'object', properties: { updated_at: { type: 'string', format: 'date-time' } } }, supported_sync_modes: ['incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      cursor_field: ['updated_at'],
      primary_key: [['id']],
    },
  ],
};

const logger = createLogger({ level: 'warn', pretty: false });
const client = await connect(uri);
const db = `bench_destination_${Date.now().toString(36)}`;
try {
  console.log(`records | proofline destination peak heap MiB | naive load-all peak heap MiB | ratio naive/proofline | proofline s`);
  for (const n of [Math.round(N / 4), N]) {
    const config = parseDestinationConfig({ uri, database: db, batch_size: 1000, collection_prefix: `p${n}_` });
    const ours = await peak(async () => {
      await writeMessages(messages(n), { config, catalog, logger, baseDir: process.cwd(), emit: async () => undefined });
    });
    const naive = await peak(async () => {
      const all: Record<string, unknown>[] = [];
      for await (const m of messages(n)) if (m.type === 'RECORD') all.push({ ...m.record.data, _id: m.record.data.id });
      await client.db(db).collection(`naive${n}_users`).insertMany(all, { ordered: false });
    });
    console.log(`${n} | ${ours.mib.toFixed(1)} | ${naive.mib.toFixed(1)} | ${(naive.mib / Math.max(ours.mib, 0.1)).toFixed(1)} | ${ours.seconds.toFixed(1)}`);
  }
} finally {
  await client.db(db).dropDatabase().catch(() => undefined);
  await client.close();
}
