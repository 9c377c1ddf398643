import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { checkStreams } from '../../../src/sync/check-streams.js';
import { ConfigError } from '../../../src/errors.js';

/** The `streams:` section: defaults, and exit-2 messages that name the key and what was expected. */

const base = { name: 'p', mongodb: { uri: 'mongodb://127.0.0.1:27017/', database: 'weather' } };
const stream = { name: 'obs', source: { type: 'files', path: 'data', format: 'jsonl', stream: 'obs' }, destination: { collection: 'obs' } };

function messageOf(streams: unknown[]): string {
  try {
    checkStreams(parseConfig({ ...base, streams }, 'pipeline.yaml', {}));
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('streams config', () => {
  it('applies the defaults', () => {
    const c = parseConfig({ ...base, streams: [stream] }, 'pipeline.yaml', {});
    expect(c.streams[0]).toMatchObject({ mapping: 'identity', sync_mode: 'full_refresh', destination_sync_mode: 'append', batch_size: 1000, destination: { collection: 'obs', indexes: [] } });
  });

  it('validates the source block against the connector spec, naming streams[i].source.<key>', () => {
    expect(messageOf([{ ...stream, source: { type: 'files', path: 'data', stream: 'obs' } }])).toContain('streams[0].source.format: is required');
    expect(messageOf([stream, { ...stream, name: 'b', source: { ...stream.source, colour: 'red' } }])).toContain('streams[1].source.colour: is not a known key');
    expect(messageOf([{ ...stream, source: { type: 'infoclimat', paths: 'x.json' } }])).toContain('streams[0].source.paths: must be array');
  });

  it('names unknown keys, bad enums, duplicates and the keys a mode needs', () => {
    expect(messageOf([{ ...stream, destinaton: {} }])).toContain('streams.0.destinaton: is not a known key');
    expect(messageOf([{ ...stream, sync_mode: 'sometimes' }])).toContain('streams.0.sync_mode: must be one of "full_refresh", "incremental"');
    expect(messageOf([{ ...stream, max_reject_rate: 2 }])).toContain('streams.0.max_reject_rate: must be <= 1');
    expect(messageOf([stream, stream])).toContain('streams[1].name: "obs" is used by another stream');
    expect(messageOf([{ ...stream, sync_mode: 'incremental', destination_sync_mode: 'overwrite' }])).toContain('streams[0].destination_sync_mode: overwrite needs sync_mode full_refresh');
    expect(messageOf([{ ...stream, destination: { collection: 'a.b' } }])).toContain('streams.0.destination.collection: must be letters, digits, _ or -');
  });
});
