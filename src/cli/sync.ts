import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { logger, quietOnTerminal } from '../common/logger.js';
import { loadConfig } from '../config/load.js';
import { runSync } from '../sync/run-sync.js';
import type { SyncReport } from '../sync/run-result.js';
import { renderSummary, toJson } from '../sync/summary.js';

/**
 * `proofline sync --config F [--stream NAME]... [--json] [--wait-for-lease D]`: run the
 * pipeline's streams. Progress on stderr (a bar on a TTY, plain lines otherwise), the
 * summary on stdout. Exit 0 ok; 1 when a stream failed, the run was interrupted or a
 * stream rejected more than its max_reject_rate; 2 bad config or usage; 3 when a stream
 * was skipped because another run holds its lease (and no stream failed).
 */

function progressReporter(json: boolean): { onProgress: (p: { stream: string; read: number }) => void; stop: () => void } {
  if (process.stderr.isTTY && !json) {
    const bar = new cliProgress.SingleBar(
      { format: '{stream} |{bar}| {value} records read', stream: process.stderr, hideCursor: true, noTTYOutput: false, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    let current: string | undefined;
    return {
      onProgress: (p) => {
        if (p.stream !== current) {
          if (current) bar.stop();
          current = p.stream;
          bar.start(Math.max(p.read, 1), p.read, { stream: p.stream });
        }
        bar.setTotal(Math.max(p.read, 1));
        bar.update(p.read, { stream: p.stream });
      },
      stop: () => bar.stop(),
    };
  }
  let last = 0;
  return {
    onProgress: (p) => {
      // Plain lines for logs and CI: at most one every second per stream change.
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      process.stderr.write(`sync: ${p.stream}: ${p.read} records read\n`);
    },
    stop: () => undefined,
  };
}

export const EXIT_ALREADY_RUNNING = 3;

export function exitCodeOf(report: SyncReport): number {
  if (report.status !== 'succeeded' && report.status !== 'skipped') return 1;
  if (report.streams.some((s) => s.status === 'failed' || s.rejectRateExceeded || s.driftFailed)) return 1;
  return report.streams.some((s) => s.status === 'already_running') ? EXIT_ALREADY_RUNNING : 0;
}

export function registerSyncCommand(program: Command): void {
  program
    .command('sync')
    .description('ingest the streams of a pipeline: map, validate (rejects quarantined), write in the configured sync mode, save state')
    .requiredOption('-c, --config <file>', 'pipeline config (YAML)')
    .option('-s, --stream <name...>', 'only these streams (repeatable)')
    .option('--json', 'print the report as JSON')
    .option('--wait-for-lease <duration>', 'wait this long (e.g. 30s, 10m) for a stream another run is writing, instead of exiting 3 at once (config: lease.wait)')
    .action(async (opts: { config: string; stream?: string[]; json?: boolean; waitForLease?: string }) => {
      quietOnTerminal();
      const config = loadConfig(opts.config);
      const controller = new AbortController();
      const stopOnSignal = (): void => controller.abort();
      process.once('SIGINT', stopOnSignal);
      process.once('SIGTERM', stopOnSignal);
      const progress = progressReporter(Boolean(opts.json));
      let report: SyncReport;
      try {
        report = await runSync(config, { ...(opts.stream ? { streams: opts.stream } : {}), ...(opts.waitForLease ? { leaseWait: opts.waitForLease } : {}), logger: logger(), signal: controller.signal, onProgress: progress.onProgress });
      } finally {
        progress.stop();
        process.off('SIGINT', stopOnSignal);
        process.off('SIGTERM', stopOnSignal);
      }
      process.stdout.write(opts.json ? toJson(report) : renderSummary(report));
      process.exitCode = exitCodeOf(report);
    });
}
