import type { Db } from 'mongodb';
import { logger as rootLogger, type Logger } from '../common/logger.js';
import type { PipelineConfig } from '../config/load.js';
import type { StreamConfig } from '../config/streams.js';
import { ConfigError, ErrorCode, ProoflineError, errorMessage, isProoflineError } from '../errors.js';
import type { ConfiguredAirbyteCatalog, JsonObject } from '../protocol/messages.js';
import { sourceConnector } from '../sources/registry.js';
import type { Capabilities } from '../store/capabilities.js';
import type { DbRetry } from '../store/db-retry.js';
import { sessionOf } from '../store/session.js';
import { loadStreamState, saveStreamState, STATE_COLLECTION } from '../store/state-store.js';
import { acquireLease, currentOwner, describeHolder, leaseKey, LEASES_COLLECTION } from '../store/lease.js';
import { leaseTimings } from '../config/lease.js';
import { SyncCore } from './core.js';
import { runPool } from './stream-pool.js';
import { rejectRateVerdict, type RejectRateVerdict } from './reject-rate.js';
import { describeDrift, type DriftReport } from './schema-drift.js';
import { emptyCounts, withUnwritten } from '../store/stream-counts.js';
import { stateHash } from './stream-sink.js';
import { targetOf } from './targets.js';
import { checkStreams } from './check-streams.js';
import { failureText } from './failure-text.js';
import type { StreamReport, SyncReport } from './run-result.js';
import { runPipeline, type RunSpec } from './runner.js';

/**
 * `runSync`: the sources of the config wired into the engine core through the one runner
 * (sync/runner.ts), one stream after the other (or `concurrency` at a time, never two
 * into one collection), with state from and to `_proofline_state`. Each stream is written
 * under a lease (`_proofline_leases`), so two runs of the same pipeline stream never both
 * write. This is what `proofline sync`, the monitor's schedules and the report's history use.
 */

export interface RunSyncOptions {
  streams?: string[];
  logger?: Logger;
  signal?: AbortSignal;
  onProgress?: (p: { stream: string; read: number }) => void;
  /** Overrides the config's lease.wait (`--wait-for-lease`), a duration such as 30s. */
  leaseWait?: string;
}

function selectStreams(config: PipelineConfig, names?: string[]): StreamConfig[] {
  if (!names?.length) return config.streams;
  const unknown = names.filter((n) => !config.streams.some((s) => s.name === n));
  if (unknown.length) throw new ConfigError(`unknown stream ${unknown.map((n) => `"${n}"`).join(', ')}: the config defines ${config.streams.map((s) => s.name).join(', ') || 'no streams'}`);
  return config.streams.filter((s) => names.includes(s.name));
}

async function catalogFor(s: StreamConfig, config: PipelineConfig, log: Logger, signal?: AbortSignal): Promise<ConfiguredAirbyteCatalog> {
  const connector = sourceConnector(s.source.type);
  const { type: _t, ...sourceConfig } = s.source;
  const discovered = await connector.discover(sourceConfig, { baseDir: config.baseDir, logger: log, ...(signal ? { signal } : {}) });
  const wanted = s.source_stream ?? (discovered.streams.length === 1 ? discovered.streams[0]!.name : s.name);
  const stream = discovered.streams.find((d) => d.name === wanted);
  if (!stream) {
    throw new ConfigError(`stream ${s.name}: the ${s.source.type} source has no stream "${wanted}" (it has ${discovered.streams.map((d) => d.name).join(', ')}); set source_stream`);
  }
  return {
    streams: [
      {
        stream,
        sync_mode: s.sync_mode,
        destination_sync_mode: s.destination_sync_mode,
        ...(s.cursor_field ? { cursor_field: s.cursor_field.split('.') } : {}),
        ...(s.destination.primary_key ? { primary_key: s.destination.primary_key.map((f) => f.split('.')) } : {}),
      },
    ],
  };
}

interface StreamRunContext {
  db: Db;
  config: PipelineConfig;
  runId: string;
  caps: Capabilities;
  renameDropTarget: boolean;
  log: Logger;
  options: RunSyncOptions;
  lease: { ttlMs: number; waitMs: number };
  retry: DbRetry;
}

/**
 * full_refresh + append: the copy a run writes is identified by a copy id kept in
 * `_proofline_state` (under `<stream>#append_copy`). A run that does not finish leaves
 * its copy open, and the next run resumes the same copy: the records the killed run
 * stored get the same `_id`s again and count as unchanged, so exactly one copy results.
 * A finished copy is closed; the next run starts a new one.
 */
const copyStream = (stream: string): string => `${stream}#append_copy`;

async function openAppendCopy(c: StreamRunContext, stream: string): Promise<string> {
  const saved = await c.retry('state read', () => loadStreamState(c.db, c.config.name, copyStream(stream)));
  if (saved && saved.complete === false && typeof saved.copy === 'string') return saved.copy;
  await c.retry('state write', () => saveStreamState(c.db, c.config.name, copyStream(stream), { copy: c.runId, complete: false }, c.runId));
  return c.runId;
}


const ZERO_COUNTS = emptyCounts();

/** The stream under its lease: only the lease holder reads and writes. */
async function syncStreamLeased(s: StreamConfig, c: StreamRunContext): Promise<{ report: StreamReport; interrupted: boolean }> {
  const started = performance.now();
  const log = c.log.child({ stream: s.name });
  const got = await acquireLease(c.db, leaseKey(c.config.name, s.name), currentOwner(c.runId), {
    ...c.lease,
    ...(c.options.signal ? { signal: c.options.signal } : {}),
    onWait: (holder) => log.info({ event: 'lease_wait', owner: holder.owner }, `stream ${s.name}: waiting up to ${c.lease.waitMs} ms, ${describeHolder(holder)}`),
  });
  if (!got.acquired) {
    const error = `stream ${s.name}: ${describeHolder(got.holder)}`;
    log.warn({ event: 'lease_held', owner: got.holder.owner, since: got.holder.acquiredAt }, error);
    const report: StreamReport = { stream: s.name, collection: s.destination.collection, ...ZERO_COUNTS, status: 'already_running', error, durationMs: Math.round(performance.now() - started) };
    return { report, interrupted: Boolean(c.options.signal?.aborted) };
  }
  if (got.lease.doc.tookOverFrom) log.warn({ event: 'lease_takeover', from: got.lease.doc.tookOverFrom }, `stream ${s.name}: took over the expired lease of run ${got.lease.doc.tookOverFrom.runId}`);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  c.options.signal?.addEventListener('abort', onAbort, { once: true });
  if (c.options.signal?.aborted) stop.abort();
  let lostReason: string | undefined;
  got.lease.keepAlive((reason) => {
    lostReason = reason;
    log.error({ event: 'lease_lost' }, reason);
    stop.abort();
  });
  try {
    const r = await syncStream(s, { ...c, options: { ...c.options, signal: stop.signal } }, () => lostReason);
    if (lostReason) return { report: { ...r.report, status: 'failed', error: lostReason }, interrupted: false };
    return r;
  } finally {
    c.options.signal?.removeEventListener('abort', onAbort);
    if (!lostReason) await got.lease.release().catch((e: unknown) => log.warn({ err: errorMessage(e) }, 'lease not released; it expires by itself'));
  }
}

/** Whether a stream fails on what it read: more rejects than max_reject_rate, or schema drift under `drift: fail`. */
function readVerdict(counts: { read: number; rejected: number }, drift: DriftReport | undefined, s: StreamConfig): { rejectRate: RejectRateVerdict; driftFailed: boolean; fails: boolean } {
  const rejectRate = rejectRateVerdict(counts, s.max_reject_rate);
  const driftFailed = Boolean(drift?.fields.length) && drift?.policy === 'fail';
  return { rejectRate, driftFailed, fails: Boolean(rejectRate.reason) || driftFailed };
}

async function syncStream(s: StreamConfig, c: StreamRunContext, leaseLost: () => string | undefined): Promise<{ report: StreamReport; interrupted: boolean; failure?: unknown }> {
  const started = performance.now();
  const log = c.log.child({ stream: s.name });
  const catalog = await catalogFor(s, c.config, log, c.options.signal);
  const sourceStream = catalog.streams[0]!.stream.name;
  const target = targetOf(c.config, s, sourceStream);
  if (!target.validator) log.warn(`stream ${s.name} has no target schema (destination.schema): its documents are stored without validation`);
  const incremental = s.sync_mode === 'incremental';
  const saved = incremental ? await c.retry('state read', () => loadStreamState(c.db, c.config.name, s.name)) : undefined;
  const appendCopy = !incremental && s.destination_sync_mode === 'append' ? await openAppendCopy(c, s.name) : undefined;
  const flushDelay = Number(process.env.PROOFLINE_SYNC_FLUSH_DELAY_MS ?? 0);
  const core = new SyncCore([target], {
    db: c.db,
    runId: c.runId,
    logger: log,
    capabilities: c.caps,
    renameDropTarget: c.renameDropTarget,
    retry: c.retry,
    positions: new Map([[sourceStream, { ...(appendCopy ? { appendGeneration: appendCopy } : {}), initialStateHash: stateHash(saved) }]]),
    ...(flushDelay > 0 ? { flushDelayMs: flushDelay } : {}),
    ...(c.options.onProgress ? { onProgress: c.options.onProgress } : {}),
    onStateCommitted: async (state) => {
      // A run that lost its lease must not overwrite the state of the run that took over.
      const lost = leaseLost();
      if (lost) throw new ProoflineError(ErrorCode.LEASE_LOST, lost);
      const body = state.stream?.stream_state ?? state.data;
      if (incremental && body) await c.retry('state write', () => saveStreamState(c.db, c.config.name, s.name, body, c.runId));
    },
    onLog: (m) => {
      if (m.type === 'LOG') log.debug({ level: m.log.level }, m.log.message);
      else if (m.type === 'TRACE' && m.trace.error) log.warn({ trace: m.trace.error.message }, 'source reported an error');
    },
  });
  let interrupted = false;
  let error: string | undefined;
  let failure: unknown;
  try {
    await core.start();
    const connector = sourceConnector(s.source.type);
    const { type: _t, ...sourceConfig } = s.source;
    const state: Record<string, JsonObject> = saved ? { [sourceStream]: saved } : {};
    const messages = connector.read(sourceConfig, catalog, state, { baseDir: c.config.baseDir, logger: log, ...(c.options.signal ? { signal: c.options.signal } : {}) });
    interrupted = (await core.consume(messages, c.options.signal)) === 'interrupted';
    if (interrupted) {
      if (!leaseLost()) await core.flushAll();
      await core.abort();
    } else {
      await core.flushAll();
      const { counts, drift } = core.counts()[0]!;
      if (s.destination_sync_mode === 'overwrite' && readVerdict(counts, drift, s).fails) {
        // An overwrite whose run fails anyway (too many rejects, drift: fail) must not replace
        // the stored generation with a degraded one: the swap is not made.
        log.error(`stream ${s.name}: overwrite not applied, the stored generation is kept (the run fails)`);
        await core.abort();
      } else await core.swap();
      if (appendCopy) await c.retry('state write', () => saveStreamState(c.db, c.config.name, copyStream(s.name), { copy: appendCopy, complete: true }, c.runId));
    }
  } catch (e) {
    error = failureText(e, c.config.mongodb.uri);
    failure = e;
    // A classified error is one line for the user; only an unexpected one brings its stack to the log.
    if (isProoflineError(e)) log.error({ code: e.code }, `stream ${s.name} failed: ${error}`);
    else log.error({ err: e }, `stream ${s.name} failed: ${error}`);
    // Best effort: what was read is written where the database still answers; the data
    // stays consistent either way (state is saved only after a flush), so a failed flush
    // only costs a re-read. A failed abort may leave an overwrite's temporary collection
    // behind: that is said in the stream's error, and the next run drops it.
    if (!leaseLost()) await core.flushAll().catch((flushError: unknown) => log.warn({ err: failureText(flushError, c.config.mongodb.uri) }, `stream ${s.name}: records read before the failure not flushed (the next run reads them again)`));
    await core.abort().catch((abortError: unknown) => {
      const why = failureText(abortError, c.config.mongodb.uri);
      log.error(`stream ${s.name}: could not drop the temporary collection of this run (${why}); the next run drops it`);
      error = `${error}; and the temporary collection was not dropped (${why}): the next run drops it`;
    });
  }
  const read = core.counts()[0]?.counts ?? ZERO_COUNTS;
  // A failed stream counts what it read and could not store, so the run still balances.
  const counts = error ? withUnwritten(read) : read;
  if (counts.unwritten) log.warn({ unwritten: counts.unwritten }, `stream ${s.name}: ${counts.unwritten} record(s) read but not written before the failure; the next run reads them again`);
  const drift = core.counts()[0]?.drift;
  const driftText = drift?.fields.length ? describeDrift(drift) : undefined;
  const { rejectRate: verdict, driftFailed } = readVerdict(counts, drift, s);
  if (driftText) {
    const what = `stream ${s.name}: schema drift against expected_columns: ${driftText}`;
    if (driftFailed) log.error(`${what}; drift: fail, the run fails`);
    else log.warn(drift!.policy === 'quarantine' ? `${what}; drifting records quarantined` : what);
  }
  if (core.unknownRecords) log.warn({ records: core.unknownRecords }, 'records for other streams of the source were ignored');
  if (verdict.reason) log.error(`stream ${s.name} ${verdict.reason}: the run fails (see ${s.destination.collection}_rejects)`);
  const report: StreamReport = {
    stream: s.name,
    collection: s.destination.collection,
    ...counts,
    status: error ? 'failed' : 'succeeded',
    ...(error ? { error } : {}),
    durationMs: Math.round(performance.now() - started),
    ...(verdict.exceeded ? { rejectRateExceeded: true, ...(verdict.reason ? { rejectRateReason: verdict.reason } : {}) } : {}),
    validated: Boolean(target.validator),
    ...(drift ? { drift } : {}),
    ...(driftFailed ? { driftFailed, driftReason: `schema drift: ${driftText}` } : {}),
  };
  return { report, interrupted, failure };
}

export async function runSync(config: PipelineConfig, options: RunSyncOptions = {}): Promise<SyncReport> {
  checkStreams(config);
  const log = (options.logger ?? rootLogger()).child({ pipeline: config.name });
  const streams = selectStreams(config, options.streams);
  const lease = leaseTimings(config.lease, options.leaseWait);
  const spec: RunSpec = {
    pipeline: config.name,
    origin: 'sync',
    streams: streams.map((s) => s.name),
    logger: log,
    session: sessionOf(config, 'proofline-sync', log),
    collections: [STATE_COLLECTION, config.checks.replication.marker_collection, LEASES_COLLECTION],
  };
  return runPipeline(spec, async (run) => {
    // No abort signal on the retries: an interrupted run still flushes what it read, through these same retries.
    const context: StreamRunContext = { db: run.db, config, runId: run.runId, caps: run.capabilities, renameDropTarget: run.renameDropTarget, log, options, lease, retry: run.retry };
    const items = streams.map((s) => ({ key: s.destination.collection, stream: s }));
    const reports = await runPool(
      items,
      config.concurrency ?? 1,
      async ({ stream }) => {
        const r = await syncStreamLeased(stream, context);
        return { result: r.report, stop: r.interrupted };
      },
      () => Boolean(options.signal?.aborted),
    );
    return { streams: reports, interrupted: Boolean(options.signal?.aborted) };
  });
}
