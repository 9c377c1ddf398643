import { describe, it, expect } from 'vitest';
import { buildConfiguredCatalog, stateInput } from '../../../../src/sources/airbyte/catalog.js';
import type { AirbyteCatalog } from '../../../../src/protocol/messages.js';

const discovered: AirbyteCatalog = {
  streams: [
    { name: 'users', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true, default_cursor_field: ['updated_at'], source_defined_primary_key: [['id']] },
    { name: 'events', json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
    { name: 'static', json_schema: {}, supported_sync_modes: ['full_refresh'] },
  ],
};

describe('buildConfiguredCatalog', () => {
  it('selects every discovered stream by default, incremental where supported', () => {
    const c = buildConfiguredCatalog({ streams: [discovered.streams[0]!, discovered.streams[2]!] }, undefined);
    expect(c.streams.map((s) => [s.stream.name, s.sync_mode, s.destination_sync_mode])).toEqual([
      ['users', 'incremental', 'append'],
      ['static', 'full_refresh', 'append'],
    ]);
  });

  it('lets the source-defined cursor and primary key win over the request', () => {
    const [users] = buildConfiguredCatalog(discovered, [{ name: 'users', cursor_field: ['other'], primary_key: [['email']], destination_sync_mode: 'append_dedup' }]).streams;
    expect(users).toMatchObject({ cursor_field: ['updated_at'], primary_key: [['id']], destination_sync_mode: 'append_dedup' });
    expect(users!.stream).toBe(discovered.streams[0]);
  });

  it('uses the user cursor and key when the source defines none', () => {
    const [events] = buildConfiguredCatalog(discovered, [{ name: 'events', cursor_field: ['ts'], primary_key: [['uuid']], destination_sync_mode: 'append_dedup' }]).streams;
    expect(events).toMatchObject({ sync_mode: 'incremental', cursor_field: ['ts'], primary_key: [['uuid']] });
  });

  it('explains each impossible request', () => {
    expect(() => buildConfiguredCatalog(discovered, [{ name: 'nope' }])).toThrow(/no stream nope; it offers: users, events, static/);
    expect(() => buildConfiguredCatalog(discovered, [{ name: 'static', sync_mode: 'incremental' }])).toThrow(/not supported by the connector \(it supports full_refresh\)/);
    expect(() => buildConfiguredCatalog(discovered, [{ name: 'events' }])).toThrow(/incremental needs a cursor_field/);
    // append_dedup without a connector key is fine: proofline keys on the mapped document.
    expect(buildConfiguredCatalog(discovered, [{ name: 'events', sync_mode: 'full_refresh', destination_sync_mode: 'append_dedup' }]).streams[0]).not.toHaveProperty('primary_key');
  });
});

describe('stateInput', () => {
  it('passes saved state for incremental streams only, in the STREAM form', () => {
    const c = buildConfiguredCatalog(discovered, [{ name: 'users' }, { name: 'static' }]);
    expect(stateInput(c, { users: { updated_at: '2024-01-01' }, static: { x: 1 } })).toEqual([
      { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { updated_at: '2024-01-01' } } },
    ]);
    expect(stateInput(c, {})).toEqual([]);
  });
});
