import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/common/logger.js';
import { writeMessages } from '../../../src/destination/write.js';
import { parseDestinationConfig } from '../../../src/destination/config.js';
import { recordMessage, type AirbyteMessage, type ConfiguredAirbyteCatalog } from '../../../src/protocol/messages.js';
import { runsCollection } from '../../../src/store/run-store.js';
import { runPipeline } from '../../../src/sync/runner.js';
import { ROOT, scratchDatabases, stackUris, uniqueDb } from '../../helpers.js';

/**
 * The one runner (src/sync/runner.ts): whichever entry starts a run, it is recorded in
 * `_proofline_runs` from start to end, failures included, and returns one result type.
 */

const scratch = scratchDatabases();
const logger = createLogger({ level: 'silent' });

function session(database: string) {
  return { uri: stackUris().primary, database, logger, appName: 'runner-test' };
}

describe('runPipeline', () => {
  it('records a run whose body throws as failed, with its error and the streams reported so far, and rethrows', async () => {
    const database = uniqueDb('runner');
    scratch.dbs.push(database);
    const failure = new Error('source went away after 3 records');
    let runId = '';
    await expect(
      runPipeline({ pipeline: 'p-fail', origin: 'sync', streams: ['s'], session: session(database), logger }, async (run) => {
        runId = run.runId;
        run.track(() => [{ stream: 's', collection: 'c', status: 'failed', durationMs: 1, read: 3, inserted: 3, updated: 0, unchanged: 0, duplicate: 0, rejected: 0, rejectedByKind: {} }]);
        const doc = await runsCollection(run.db).findOne({ _id: run.runId });
        expect(doc).toMatchObject({ status: 'running', origin: 'sync', pipeline: 'p-fail', requestedStreams: ['s'] });
        throw failure;
      }),
    ).rejects.toBe(failure);
    const doc = await runsCollection(scratch.client.db(database)).findOne({ _id: runId });
    expect(doc).toMatchObject({ status: 'failed', error: 'source went away after 3 records' });
    expect(doc!.streams).toEqual([expect.objectContaining({ stream: 's', read: 3, inserted: 3 })]);
    expect(doc!.finishedAt).toBeInstanceOf(Date);
  });

  it('derives the status from the streams and records exactly what it returns', async () => {
    const database = uniqueDb('runner');
    scratch.dbs.push(database);
    const report = await runPipeline({ pipeline: 'p-ok', origin: 'destination', streams: ['a', 'b'], session: session(database), logger }, async () => ({
      streams: [
        { stream: 'a', collection: 'a', status: 'succeeded', durationMs: 1, read: 1, inserted: 1, updated: 0, unchanged: 0, duplicate: 0, rejected: 0, rejectedByKind: {} },
        { stream: 'b', collection: 'b', status: 'failed', error: 'x', durationMs: 1, read: 0, inserted: 0, updated: 0, unchanged: 0, duplicate: 0, rejected: 0, rejectedByKind: {} },
      ],
    }));
    expect(report).toMatchObject({ pipeline: 'p-ok', origin: 'destination', status: 'failed' });
    const doc = await runsCollection(scratch.client.db(database)).findOne({ _id: report.runId });
    expect(doc).toMatchObject({ status: 'failed', origin: 'destination' });
    expect(doc!.streams.map((s) => [s.stream, s.status])).toEqual([
      ['a', 'succeeded'],
      ['b', 'failed'],
    ]);
  });
});

describe('the destination through the runner', () => {
  it('a stream that breaks mid-way is recorded failed with what was written before the break', async () => {
    const database = uniqueDb('runnerdest');
    scratch.dbs.push(database);
    const config = parseDestinationConfig({ uri: stackUris().primary, database, pipeline: 'dest-break', batch_size: 2 }, 'dest.json');
    const catalog: ConfiguredAirbyteCatalog = {
      streams: [{ stream: { name: 'items', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
    };
    async function* broken(): AsyncGenerator<AirbyteMessage> {
      for (let i = 0; i < 4; i += 1) yield recordMessage('items', { i });
      throw new Error('stdin closed mid-record');
    }
    await expect(writeMessages(broken(), { config, catalog, logger, baseDir: ROOT, emit: async () => undefined })).rejects.toThrow('stdin closed mid-record');
    const doc = await runsCollection(scratch.client.db(database)).findOne({ pipeline: 'dest-break' });
    expect(doc).toMatchObject({ origin: 'destination', status: 'failed', error: 'stdin closed mid-record' });
    expect(doc!.streams).toEqual([expect.objectContaining({ stream: 'items', status: 'failed', read: 4, inserted: 4 })]);
    expect(await scratch.client.db(database).collection('items').countDocuments()).toBe(4);
  });
});
