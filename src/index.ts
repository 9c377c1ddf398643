/**
 * proofline as a library: what the CLI, the monitor and the Airbyte destination call, for
 * code that runs a pipeline, proves it and writes the evidence itself.
 *
 *   import { loadConfig, runSync, runChecks, renderHtml } from 'proofline';
 *   const config = loadConfig('pipeline.yaml');
 *   const run = await runSync(config);             // one run record in _proofline_runs
 *   const results = await runChecks(config, 'all'); // never throws for a server problem
 *   await writeFile('report.html', await renderHtml(results));
 *
 * Anything not exported here is internal and may change between versions.
 */

// The pipeline config.
export { loadConfig, parseConfig, type PipelineConfig } from './config/load.js';
export type { StreamConfig } from './config/streams.js';

// Ingestion: one runner for `proofline sync`, the monitor's schedule and the destination.
export { runSync, type RunSyncOptions } from './sync/run-sync.js';
export { runPipeline, type RunContext, type RunOutcome, type RunSpec } from './sync/runner.js';
export type { StreamReport, SyncReport } from './sync/run-result.js';
export { checkStreams } from './sync/check-streams.js';
export { writeMessages, type WriteOptions } from './destination/write.js';
export { latestRuns, summarizeRun, type RunSummary } from './report/runs.js';
export type { RunDoc, RunStreamDoc } from './store/run-store.js';

// Proof: the checks and their results.
export { runCheck, runChecks } from './checks/run.js';
export { CHECK_NAMES, CheckStatus, worstStatus, type CheckName, type CheckResult, type Finding, type Measurement, type Threshold } from './checks/result.js';

// Monitoring.
export { startMonitor, type MonitorHandle, type MonitorOptions } from './monitor/service.js';

// Evidence: pure renderers (results in, text out) and the evidence they draw on.
export { renderHtml } from './report/html.js';
export { buildJsonReport, renderJson } from './report/json.js';
export { renderJunit } from './report/junit.js';
export { renderTable } from './report/table.js';
export { buildEvidence } from './report/evidence.js';

// Errors: one table decides what is transient and which exit code a failure means.
export { ConfigError, ERROR_TABLE, ErrorCode, ProoflineError, UsageError, errorMessage, exitCodeOf, isProoflineError, isTransientError } from './errors.js';
