// Preloaded into the monitor by bench/monitor-rss.ts (`node --import`): every few seconds,
// one JSON line of where its memory is (V8 heap, external buffers, RSS) to the file named by
// PROOFLINE_MEMORY_PROBE, so the bench can say what grows, not only that RSS does.
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.PROOFLINE_MEMORY_PROBE;
const everyMs = Number(process.env.PROOFLINE_MEMORY_PROBE_MS ?? 5000);
if (file) {
  const started = Date.now();
  setInterval(() => {
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
    appendFileSync(file, `${JSON.stringify({ s: Math.round((Date.now() - started) / 1000), ...m, spaces })}\n`);
  }, everyMs).unref();
}
