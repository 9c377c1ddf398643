import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { loadConfig, type PipelineConfig } from '../config/load.js';
import { CHECK_NAMES, type CheckName, type CheckResult } from '../checks/result.js';
import { isCheckName, runChecks } from '../checks/run.js';
import { endpointsOf } from '../checks/endpoints.js';
import { CheckSession } from '../checks/check-session.js';
import { UsageError } from '../errors.js';
import { logger, quietOnTerminal } from '../common/logger.js';
import { capabilitiesOf } from '../store/capability-cache.js';
import { renderTable } from '../report/table.js';
import { renderJson } from '../report/json.js';
import { renderJunit } from '../report/junit.js';
import { renderHtml } from '../report/html.js';
import type { ReportContext } from '../report/context.js';

/**
 * `proofline check availability|schema|quality|replication|coherence|all --config F`: run the checks,
 * render them, exit 1 if any failed (warn and unsupported do not fail the run).
 */

const FORMATS = ['table', 'json', 'junit', 'html'] as const;
type Format = (typeof FORMATS)[number];

/** Server identity for the report header; a report is still written when the server is down. */
async function serverInfo(config: PipelineConfig, session: CheckSession): Promise<unknown> {
  // The checks' session: a primary they found down is not waited for again.
  const primary = endpointsOf(config)[0]!;
  const c = await session.member(primary);
  if (!c.ok) return null;
  // The header's server identity is a courtesy: a report is written without it when the server does not answer.
  return capabilitiesOf(c.client, primary.uri).catch(() => null);
}

export async function render(format: Format, results: CheckResult[], context: ReportContext): Promise<string> {
  switch (format) {
    case 'json':
      return renderJson(results, context);
    case 'junit':
      return renderJunit(results);
    case 'html':
      return renderHtml(results, context);
    case 'table':
      return renderTable(results);
  }
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('prove availability, schema validity, data quality, replication and cross-source coherence against the thresholds in the config')
    .argument('<check>', `${CHECK_NAMES.join('|')}|all`)
    .requiredOption('-c, --config <file>', 'pipeline config (YAML)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('table'))
    .option('-o, --out <file>', 'write the report to this file instead of stdout')
    .action(async (check: string, opts: { config: string; format: Format; out?: string }) => {
      quietOnTerminal();
      if (check !== 'all' && !isCheckName(check)) throw new UsageError(`unknown check "${check}": expected one of ${CHECK_NAMES.join(', ')}, all`);
      const config = loadConfig(opts.config);
      const names: CheckName[] | 'all' = check === 'all' ? 'all' : [check as CheckName];
      const session = new CheckSession(config);
      let results: CheckResult[];
      let context: ReportContext;
      try {
        results = await runChecks(config, names, { logger: logger(), session });
        context = {
          pipeline: config.name,
          generatedAt: new Date().toISOString(),
          ...(opts.format === 'json' || opts.format === 'html' ? { server: await serverInfo(config, session) } : {}),
        };
      } finally {
        await session.close();
      }
      const text = await render(opts.format, results, context);
      if (opts.out) {
        writeFileSync(opts.out, text);
        // The file holds the report; the terminal still gets the verdict.
        process.stderr.write(renderTable(results));
      } else {
        process.stdout.write(text);
      }
      if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
