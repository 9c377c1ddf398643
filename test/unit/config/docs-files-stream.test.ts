import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../../src/config/load.js';
import { checkStreams } from '../../../src/sync/check-streams.js';
import { ROOT } from '../../helpers.js';

/** The copy-paste `files` stream of docs/sources.md is a valid stream as written. */

describe('docs/sources.md: the complete files stream', () => {
  it('loads, and its source block and mapping pass the checks a sync runs first', () => {
    const doc = readFileSync(join(ROOT, 'docs/sources.md'), 'utf8');
    const block = /```yaml\n(streams:\n {2}- name: sensors[\s\S]*?)```/.exec(doc)?.[1];
    expect(block, 'the block is in docs/sources.md').toBeDefined();
    const config = parseConfig({ name: 'p', mongodb: { uri: 'mongodb://127.0.0.1:1/', database: 'd' }, ...(parse(block!) as object) }, join(ROOT, 'pipeline.yaml'), {});
    expect(() => checkStreams(config)).not.toThrow();
    expect(config.streams[0]).toMatchObject({ name: 'sensors', sync_mode: 'incremental', destination_sync_mode: 'append_dedup', destination: { primary_key: ['sensor', 'at'] } });
  });
});
