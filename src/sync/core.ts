import type { Db } from 'mongodb';
import type { Logger } from '../common/logger.js';
import type { AirbyteMessage, AirbyteStateMessage } from '../protocol/messages.js';
import type { Capabilities } from '../store/capabilities.js';
import { prepareCollection } from '../store/collection-setup.js';
import type { DbRetry } from '../store/db-retry.js';
import { GenerationDiff } from '../store/generation-diff.js';
import { abortOverwrite, beginOverwrite, commitOverwrite } from '../store/overwrite.js';
import type { DriftReport } from './schema-drift.js';
import { StreamSink } from './stream-sink.js';
import type { StreamCounts } from '../store/stream-counts.js';
import type { StreamTarget } from './stream-target.js';

/**
 * The engine core: consumes Airbyte messages for a set of configured streams and does
 * map → validate → batch → write → commit state. It knows nothing of where messages come
 * from: `runSync` feeds it a source's read(); a destination can feed it stdin.
 *
 * State discipline: a STATE message for a stream first flushes that stream's buffer (a
 * GLOBAL/LEGACY one flushes every stream), and only once the server acknowledged those
 * writes is `onStateCommitted` called. A crash can therefore lose the state of work that
 * was written, never the work a saved state claims.
 */

export interface CoreHooks {
  /** Called after everything the state covers is flushed; persist it or echo it here. */
  onStateCommitted?: (state: AirbyteStateMessage, stream: StreamTarget | undefined) => Promise<void> | void;
  onProgress?: (p: { stream: string; read: number }) => void;
  onLog?: (message: AirbyteMessage) => void;
}

export interface CoreOptions extends CoreHooks {
  db: Db;
  runId: string;
  logger: Logger;
  capabilities: Capabilities;
  /** Can renameCollection replace the target in one step (see store/overwrite.ts)? */
  renameDropTarget: boolean;
  ingestedAt?: Date;
  /** Test hook: pause after each flush (PROOFLINE_SYNC_FLUSH_DELAY_MS). */
  flushDelayMs?: number;
  /** Retries of transient database errors within the run's budget (store/db-retry.ts). */
  retry?: DbRetry;
  /** Per source stream: the resumable copy's generation (else the default above) and resumed state that make unkeyed `_id`s deterministic (see StreamSink.appendId). */
  positions?: Map<string, { appendGeneration?: string; initialStateHash?: string }>;
}

const PROGRESS_EVERY = 500;

export class SyncCore {
  private readonly sinks = new Map<string, StreamSink>();
  private readonly temps = new Map<string, string>();
  /** Per overwrite stream, where no rename can swap: the stored generation the load is compared with. */
  private readonly diffs = new Map<string, GenerationDiff>();
  /** Records for streams nobody configured: counted and logged, never silently dropped. */
  unknownRecords = 0;

  constructor(
    private readonly targets: StreamTarget[],
    private readonly o: CoreOptions,
  ) {}

  /** Prepare collections (validator, indexes) and, for overwrite, the temporary collections. */
  async start(): Promise<void> {
    const ingestedAt = this.o.ingestedAt ?? new Date();
    for (const t of this.targets) {
      const unique = t.destinationSyncMode !== 'append';
      const spec = { schema: t.schema, primaryKey: t.primaryKey, uniqueKey: unique, indexes: t.indexes };
      await prepareCollection(this.o.db, { name: t.collection, ...spec }, this.o.capabilities, this.o.logger);
      let writeCollection = t.collection;
      let diff: GenerationDiff | undefined;
      if (t.destinationSyncMode === 'overwrite') {
        writeCollection = await beginOverwrite(this.o.db, t.collection, this.o.runId, this.o.logger);
        await prepareCollection(this.o.db, { name: writeCollection, ...spec }, this.o.capabilities, this.o.logger);
        this.temps.set(t.sourceStream, writeCollection);
        if (!this.o.renameDropTarget) {
          diff = await GenerationDiff.load(this.o.db.collection(t.collection), Boolean(t.primaryKey), this.o.retry);
          this.diffs.set(t.sourceStream, diff);
          this.o.logger.info({ collection: t.collection, stored: diff.size }, 'overwrite: read the stored generation; only what differs is written');
        }
      }
      // Without a resumable copy, a full_refresh append run is its own generation: each
      // complete read is a new copy. An overwrite keeps one generation, so the same record
      // at the same position keeps its `_id` and an unchanged rerun writes nothing.
      const ownGeneration = t.syncMode === 'full_refresh' && t.destinationSyncMode !== 'overwrite';
      const position = { appendGeneration: ownGeneration ? this.o.runId : '', ...this.o.positions?.get(t.sourceStream) };
      this.sinks.set(
        t.sourceStream,
        new StreamSink(t, {
          db: this.o.db,
          runId: this.o.runId,
          ingestedAt,
          logger: this.o.logger,
          writeCollection,
          ...(diff ? { overwriteDiff: diff } : {}),
          ...position,
          ...(this.o.retry ? { retry: this.o.retry } : {}),
          ...(this.o.flushDelayMs ? { flushDelayMs: this.o.flushDelayMs } : {}),
        }),
      );
    }
  }

  counts(): Array<{ target: StreamTarget; counts: StreamCounts; drift?: DriftReport }> {
    return [...this.sinks.values()].map((s) => ({ target: s.target, counts: s.counts, ...(s.drift ? { drift: s.drift.report() } : {}) }));
  }

  async consume(messages: AsyncIterable<AirbyteMessage>, signal?: AbortSignal): Promise<'complete' | 'interrupted'> {
    for await (const m of messages) {
      if (m.type === 'RECORD') {
        const sink = this.sinks.get(m.record.stream);
        if (!sink) {
          this.unknownRecords += 1;
          if (this.unknownRecords === 1) this.o.logger.warn({ stream: m.record.stream }, 'record for a stream that is not configured: ignored and counted');
          continue;
        }
        // A mapping with computed fields answers with a promise; the others stay synchronous.
        const full = sink.add(m.record);
        if (full === true || (full !== false && (await full))) await sink.flush();
        if (sink.counts.read % PROGRESS_EVERY === 0) this.o.onProgress?.({ stream: sink.target.name, read: sink.counts.read });
      } else if (m.type === 'STATE') {
        await this.commitState(m.state);
      } else {
        this.o.onLog?.(m);
      }
      if (signal?.aborted) return 'interrupted';
    }
    return 'complete';
  }

  private async commitState(state: AirbyteStateMessage): Promise<void> {
    const name = state.type === 'STREAM' || (!state.type && state.stream) ? state.stream?.stream_descriptor.name : undefined;
    const sink = name === undefined ? undefined : this.sinks.get(name);
    if (sink) await sink.drain();
    else for (const s of this.sinks.values()) await s.drain();
    await this.o.onStateCommitted?.(state, sink?.target);
    const body = state.stream?.stream_state ?? state.data ?? state.global;
    if (sink) sink.stateCommitted(body);
    else for (const s of this.sinks.values()) s.stateCommitted(body);
  }

  /** Flush what is buffered (also on interruption: what was read is written and counted). */
  async flushAll(): Promise<void> {
    for (const s of this.sinks.values()) await s.drain();
    for (const s of this.sinks.values()) s.assertBalanced();
    for (const s of this.sinks.values()) this.o.onProgress?.({ stream: s.target.name, read: s.counts.read });
  }

  /** Flush, then swap the loaded overwrite collections in; call only when the source was read completely. */
  async finish(): Promise<void> {
    await this.flushAll();
    await this.swap();
  }

  /** Swap the loaded overwrite collections in, after flushAll: the caller may judge the counts between the two. */
  async swap(): Promise<void> {
    for (const [stream, temp] of this.temps) {
      const t = this.sinks.get(stream)!.target;
      const diff = this.diffs.get(stream);
      await commitOverwrite(this.o.db, { temp, target: t.collection, logger: this.o.logger, batchSize: t.batchSize, ...(diff ? { diff } : {}), ...(this.o.retry ? { retry: this.o.retry } : {}) });
    }
    this.temps.clear();
    this.diffs.clear();
  }

  /** After a failure or interruption: unfinished overwrites leave the old data untouched. */
  async abort(): Promise<void> {
    for (const temp of this.temps.values()) await abortOverwrite(this.o.db, temp);
    this.temps.clear();
  }
}
