import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { logger } from '../common/logger.js';
import { startMonitor } from '../monitor/service.js';
import { checkStreams } from '../sync/check-streams.js';

/** `proofline monitor --config F [--port N] [--host H]`: run checks and syncs on schedule, serve metrics and the dashboard. */

function parsePort(v: string): number {
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new UsageError(`--port: expected a port number 0-65535, got ${JSON.stringify(v)}`);
  return Number(v);
}

export function registerMonitorCommand(program: Command): void {
  program
    .command('monitor')
    .description('run the checks on their intervals (and scheduled syncs), serve /metrics, a JSON API and a live dashboard')
    .requiredOption('-c, --config <file>', 'pipeline config (YAML)')
    .option('-p, --port <n>', 'HTTP port (default: monitor.port, 9464; 0 picks a free one)')
    .option('--host <host>', 'address to bind (default: monitor.host, 127.0.0.1)')
    .action(async (opts: { config: string; port?: string; host?: string }) => {
      const config = loadConfig(opts.config);
      checkStreams(config); // its scheduled syncs would otherwise find a bad stream hours later
      const handle = await startMonitor(config, { ...(opts.port !== undefined ? { port: parsePort(opts.port) } : {}), ...(opts.host ? { host: opts.host } : {}) });
      process.stdout.write(`proofline monitor: ${handle.url}/ (metrics: ${handle.url}/metrics)\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals): void => {
          logger().info({ event: 'signal', signal }, `received ${signal}`);
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          handle.close().then(resolve, resolve);
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      process.stdout.write('proofline monitor: stopped\n');
    });
}
