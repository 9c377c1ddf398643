import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { parseDuration } from '../common/duration.js';
import { logger, quietOnTerminal } from '../common/logger.js';
import { UsageError } from '../errors.js';
import { buildEvidence, DEFAULT_HISTORY_MAX_AGE_MS } from '../report/evidence.js';
import { evidenceContext } from '../report/evidence-sections.js';
import { renderHtml } from '../report/html.js';
import { renderJson } from '../report/json.js';
import { renderTable } from '../report/table.js';
import { chromiumPath, htmlToPdf } from '../report/pdf.js';

/**
 * `proofline report --config F --out report.html`: the evidence bundle a team hands over.
 * Runs every enabled check (or reuses the monitor's fresh results with --from-history),
 * reads the latest sync runs, probes the environment, and writes the HTML report and its
 * JSON twin. Exit 1 when a check failed, like `proofline check all`.
 */

export function jsonTwinPath(out: string): string {
  const ext = extname(out);
  return `${ext ? out.slice(0, -ext.length) : out}.json`;
}

export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('write the evidence report (HTML + JSON twin): every check, the latest sync runs, the environment and log excerpts')
    .requiredOption('-c, --config <file>', 'pipeline config (YAML)')
    .option('-o, --out <file>', 'HTML report to write; the JSON twin goes next to it (report.json)', 'report.html')
    .option('--json-out <file>', 'where to write the JSON twin instead')
    .option('--from-history', "reuse the monitor's results from its history collection when fresh; run the others")
    .option('--max-age <duration>', 'how old a history result may be with --from-history (e.g. 5m, 1h)', `${DEFAULT_HISTORY_MAX_AGE_MS / 60_000}m`)
    .option('--runs <n>', 'how many recent sync runs to include', '5')
    .option('--pdf <file>', 'also print the report to PDF through headless Chromium (needs the chromium package)')
    .action(async (opts: { config: string; out: string; jsonOut?: string; fromHistory?: boolean; maxAge: string; runs: string; pdf?: string }) => {
      quietOnTerminal();
      const runs = Number(opts.runs);
      if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new UsageError(`--runs must be an integer from 1 to 100, got "${opts.runs}"`);
      let maxAgeMs: number;
      try {
        maxAgeMs = parseDuration(opts.maxAge);
      } catch {
        throw new UsageError(`--max-age must be a duration such as 30s, 5m or 1h, got "${opts.maxAge}"`);
      }
      if (extname(opts.out).toLowerCase() === '.json') throw new UsageError('--out names the HTML report; the JSON twin is written next to it (or use --json-out)');
      // A missing Chromium is a usage problem: say so before spending time on the checks.
      if (opts.pdf) chromiumPath();
      const config = loadConfig(opts.config);
      const bundle = await buildEvidence(config, { logger: logger(), fromHistory: Boolean(opts.fromHistory), historyMaxAgeMs: maxAgeMs, runs });
      const context = await evidenceContext(bundle);
      const htmlPath = resolve(opts.out);
      const jsonPath = resolve(opts.jsonOut ?? jsonTwinPath(opts.out));
      mkdirSync(dirname(htmlPath), { recursive: true });
      mkdirSync(dirname(jsonPath), { recursive: true });
      const html = await renderHtml(bundle.checks, context);
      writeFileSync(htmlPath, html);
      if (opts.pdf) {
        const pdfPath = resolve(opts.pdf);
        mkdirSync(dirname(pdfPath), { recursive: true });
        await htmlToPdf(html, pdfPath);
      }
      writeFileSync(jsonPath, renderJson(bundle.checks, context));
      process.stderr.write(renderTable(bundle.checks));
      process.stdout.write(`verdict: ${bundle.verdict}\nhtml: ${opts.out}\njson: ${opts.jsonOut ?? jsonTwinPath(opts.out)}\n${opts.pdf ? `pdf: ${opts.pdf}\n` : ''}`);
      if (bundle.checks.some((r) => r.status === 'fail')) process.exitCode = 1;
    });
}
