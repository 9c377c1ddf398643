import type { Command } from 'commander';
import pc from 'picocolors';
import * as stack from '../stack/stack.js';
import { measureReplicationDelay } from '../stack/smoke.js';

/** `proofline stack up|down|status|...`: the local MongoDB-compatible stack. */

const log = (msg: string): void => {
  process.stderr.write(`stack: ${msg}\n`);
};

export function registerStackCommand(program: Command): void {
  const cmd = program.command('stack').description('manage the local replicated stack (FerretDB over PostgreSQL, or mongod where present)');

  cmd
    .command('up')
    .description('install what is missing, start the stack and wait until every member answers hello')
    .option('--json', 'print the URIs as JSON')
    .option('--smoke', 'also write on the primary and measure how long the replica takes to see it')
    .action(async (opts: { json?: boolean; smoke?: boolean }) => {
      const state = await stack.stackUp({ log });
      const smoke = opts.smoke ? await measureReplicationDelay(state.primaryUri, state.replicaUris) : undefined;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ primaryUri: state.primaryUri, replicaUris: state.replicaUris, kind: state.kind, ...(smoke ? { smoke } : {}) })}\n`);
        return;
      }
      process.stdout.write(`PRIMARY_URI=${state.primaryUri}\nREPLICA_URIS=${state.replicaUris.join(',')}\n`);
      for (const s of smoke ?? []) process.stdout.write(`REPLICATION_DELAY_MS[${s.replicaUri}]=${s.delayMs.toFixed(1)}\n`);
    });

  cmd
    .command('down')
    .description('stop exactly the processes `up` started, by pid')
    .action(async () => {
      const r = await stack.stackDown();
      process.stdout.write(`stopped: ${r.stopped.join(', ') || 'nothing was running'}\nports free: ${r.portsFree ? 'yes' : 'NO'}\n`);
      if (!r.portsFree) process.exitCode = 1;
    });

  cmd
    .command('status')
    .description('what runs, where, and how healthy it is')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const s = await stack.stackStatus();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(s, null, 2)}\n`);
      } else if (s.kind === 'none') {
        process.stdout.write('the stack was never started here (run `proofline stack up`)\n');
      } else {
        process.stdout.write(`stack: ${s.kind}, ${s.up ? pc.green('up') : pc.red('not fully up')}\n`);
        for (const c of s.components) {
          const health = c.healthy ? pc.green('healthy') : c.running ? pc.yellow('running, not answering') : pc.red('stopped');
          process.stdout.write(`  ${c.name.padEnd(18)} pid ${String(c.pid ?? '-').padEnd(8)} ${c.endpoint.padEnd(28)} ${health}${c.detail ? ` (${c.detail})` : ''}\n`);
        }
      }
      if (!s.up) process.exitCode = 1;
    });

  const fault = (name: string, description: string, fn: () => Promise<void>): void => {
    cmd
      .command(name)
      .description(description)
      .action(async () => {
        await fn();
        process.stdout.write(`${name}: done\n`);
      });
  };
  fault('pause-replication', 'freeze replication to the replica (WAL replay paused on the standby)', () => stack.setReplicationPaused(true));
  fault('resume-replication', 'thaw replication', () => stack.setReplicationPaused(false));
  fault('stop-replica', 'stop the replica (its gateway and its PostgreSQL standby)', () => stack.stopReplica());
  fault('start-replica', 'start the replica again', () => stack.startReplica());
  fault('restart-replica-gateway', "restart the replica's FerretDB so it sees collections created since it started", () => stack.restartReplicaGateway());
}
