import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { readCatalogFile, readConfigFile, stateByStream } from '../../../src/protocol/cli-inputs.js';

describe('Airbyte command inputs', () => {
  it('flattens every state form Airbyte passes into state per stream', () => {
    expect(
      stateByStream([
        { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { cursor: 1 } } },
        { type: 'STREAM', stream: { stream_descriptor: { name: 'orders', namespace: 'shop' }, stream_state: { cursor: 2 } } },
        { type: 'GLOBAL', global: { shared_state: { lsn: 9 }, stream_states: [{ stream_descriptor: { name: 'events' }, stream_state: { c: 3 } }] } },
        { type: 'LEGACY', data: { legacy_stream: { c: 4 } } },
        'garbage',
      ]),
    ).toEqual({ users: { cursor: 1 }, 'shop.orders': { cursor: 2 }, events: { c: 3 }, legacy_stream: { c: 4 } });
    expect(stateByStream({ users: { cursor: 5 }, bad: 3 })).toEqual({ users: { cursor: 5 } });
    expect(stateByStream(null)).toEqual({});
  });

  it('names the file and the problem when an input is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-inputs-'));
    writeFileSync(join(dir, 'bad.json'), '{"uri": ');
    writeFileSync(join(dir, 'array.json'), '[]');
    writeFileSync(join(dir, 'catalog.json'), JSON.stringify({ streams: [{ stream: { name: 's', json_schema: {} }, sync_mode: 'incremental', destination_sync_mode: 'soft_delete' }] }));
    await expect(readConfigFile(join(dir, 'missing.json'))).rejects.toThrow(/cannot read config .*missing\.json: ENOENT/);
    await expect(readConfigFile(join(dir, 'bad.json'))).rejects.toThrow(/config .*bad\.json is not valid JSON/);
    await expect(readConfigFile(join(dir, 'array.json'))).rejects.toThrow(/must be a JSON object/);
    await expect(readCatalogFile(join(dir, 'catalog.json'))).rejects.toThrow(/streams\.0\.destination_sync_mode: must be one of "append", "overwrite", "append_dedup"/);
  });
});
