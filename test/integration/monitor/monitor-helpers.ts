import { Writable } from 'node:stream';
import { parseConfig, type PipelineConfig } from '../../../src/config/load.js';
import { createLogger, logger, setLogger } from '../../../src/common/logger.js';
import { runCheck } from '../../../src/checks/run.js';
import { makeCollectionsVisibleOnReplica, stackUris, uniqueDb } from '../../helpers.js';

/** Shared by the monitor's integration, e2e and bench code: configs on the private stack, log capture, HTTP. */

export function monitorConfig(raw: { name?: string; uri?: string; checks?: Record<string, unknown>; monitor?: Record<string, unknown>; database?: string } = {}): PipelineConfig {
  const uris = stackUris();
  return parseConfig(
    {
      name: raw.name ?? 'monitor-test',
      mongodb: { uri: raw.uri ?? uris.primary, database: raw.database ?? uniqueDb('mon'), replicas: uris.replicas, timeout_ms: 3000 },
      checks: raw.checks ?? {
        // Generous thresholds: on a machine shared by busy tests, slow must not read as down.
        availability: { interval: '1s', ping_samples: 5, op_samples: 2, ping_p95_ms: 2000, op_p95_ms: 5000, connect_ms: 5000 },
        schema: { enabled: false },
        quality: { enabled: false },
        replication: { interval: '2s', samples: 3, timeout_ms: 3000, max_lag_p95_ms: 2900 },
      },
      monitor: { port: 0, ...raw.monitor },
    },
    'monitor-test.yaml',
    {},
  );
}

/**
 * The replication check writes markers into a collection the replica-side FerretDB must
 * know: create it with one real run, then restart the replica gateway (DESIGN.md).
 */
export async function prepareReplication(config: PipelineConfig): Promise<void> {
  await runCheck('replication', config);
  await runCheck('availability', config);
  await makeCollectionsVisibleOnReplica();
}

/** Capture every log line (JSON) the library writes while fn runs. */
export function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const previous = logger();
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  setLogger(createLogger({ destination: sink, pretty: false, level: 'debug' }));
  return { lines, restore: () => setLogger(previous) };
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; json: () => unknown; type: string }> {
  const r = await fetch(url, { headers });
  const body = await r.text();
  return { status: r.status, body, json: () => JSON.parse(body), type: r.headers.get('content-type') ?? '' };
}
