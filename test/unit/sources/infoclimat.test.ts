import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProoflineError } from '../../../src/errors.js';
import { infoclimatSource } from '../../../src/sources/infoclimat/connector.js';
import { catalogFor, collect, readContext, WEATHER_DIR } from './collect.js';
import { serve, truncated, type Served } from './serve.js';

const FILE_A = 'data/infoclimat/infoclimat_2024-10-25_2024-10-26.json';
const PAYLOAD = readFileSync(join(WEATHER_DIR, FILE_A), 'utf8');
const STREAMS = ['infoclimat_hourly', 'infoclimat_stations'];

let server: Served | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('infoclimat source: payload files', () => {
  const config = { paths: ['data/infoclimat/*.json'] };

  it('discovers the two streams with the hourly cursor and primary key', async () => {
    const cat = await infoclimatSource.discover(config, readContext());
    const hourly = cat.streams.find((s) => s.name === 'infoclimat_hourly')!;
    expect(cat.streams.map((s) => s.name).sort()).toEqual(['infoclimat_hourly', 'infoclimat_stations']);
    expect(hourly.default_cursor_field).toEqual(['dh_utc']);
    expect(hourly.source_defined_primary_key).toEqual([['id_station'], ['dh_utc']]);
  });

  it('emits every hourly row of 4 stations (skipping _params), with lineage, and a state per file and stream', async () => {
    const out = await collect(infoclimatSource.read(config, await catalogFor(infoclimatSource, config, STREAMS), {}, readContext()));
    const hourly = out.records.infoclimat_hourly!;
    expect(hourly).toHaveLength(2 * 4 * 48);
    expect(new Set(hourly.map((r) => r._pl_station))).toEqual(new Set(['07015', '07149', '000R5', 'STATIC0010']));
    expect(hourly.some((r) => r._pl_station === '_params')).toBe(false);
    expect(hourly[0]).toMatchObject({ _ab_source_file_url: FILE_A, _ab_source_file_row: 1, _pl_path: 'hourly.07015[0]' });
    expect(out.records.infoclimat_stations).toHaveLength(8);
    expect(out.states).toBe(4);
    // State comes only after the records it covers.
    expect(out.order.at(-1)).toBe('S:infoclimat_hourly');
    expect(Object.keys(out.state.infoclimat_hourly!.files as object)).toHaveLength(2);
    expect(out.state.infoclimat_hourly!.cursor).toBe('2024-10-28T23:00:00.000Z');
  });

  it('incremental: a rerun with the saved state reads nothing; full_refresh ignores the state', async () => {
    const ctx = readContext();
    const first = await collect(infoclimatSource.read(config, await catalogFor(infoclimatSource, config, STREAMS), {}, ctx));
    const again = await collect(infoclimatSource.read(config, await catalogFor(infoclimatSource, config, STREAMS), first.state, ctx));
    expect(again.records).toEqual({});
    const full = await collect(infoclimatSource.read(config, await catalogFor(infoclimatSource, config, STREAMS, 'full_refresh'), first.state, ctx));
    expect(full.records.infoclimat_hourly).toHaveLength(384);
  });

  it('accounts for an unparseable payload file as one parse-error record per stream', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'pl-ic-'));
    writeFileSync(join(dir, 'bad.json'), '{"hourly": {"07015": [');
    const out = await collect(infoclimatSource.read({ paths: ['*.json'] }, await catalogFor(infoclimatSource, { paths: ['*.json'] }, STREAMS, 'incremental', readContext(dir)), {}, readContext(dir)));
    expect(out.records.infoclimat_hourly).toEqual([expect.objectContaining({ _proofline_error: expect.objectContaining({ rule: 'parse' }), _ab_source_file_url: 'bad.json' })]);
    expect(out.records.infoclimat_stations).toHaveLength(1);
  });

  it('fails clearly when no payload file matches', async () => {
    const err = await collect(infoclimatSource.read({ paths: ['nope/*.json'] }, { streams: [] }, {}, readContext())).catch((e: unknown) => e);
    // No stream selected: nothing to do, no error.
    expect(err).toMatchObject({ records: {} });
    const cat = await catalogFor(infoclimatSource, config, STREAMS);
    await expect(collect(infoclimatSource.read({ paths: ['nope/*.json'] }, cat, {}, readContext()))).rejects.toThrow(/no payload file matches nope/);
  });
});

describe('infoclimat source: HTTP', () => {
  const fast = { retries: 2, retry_base_ms: 10, timeout_ms: 5000 };

  it('reads the payload served after a 503, with the URL as lineage', async () => {
    server = await serve((_req, res, n) => (n === 1 ? res.writeHead(503).end() : res.writeHead(200).end(PAYLOAD)));
    const config = { url: server.url, ...fast };
    const out = await collect(infoclimatSource.read(config, await catalogFor(infoclimatSource, config, STREAMS), {}, readContext()));
    expect(server.requests()).toBe(2);
    expect(out.records.infoclimat_hourly).toHaveLength(192);
    expect(out.records.infoclimat_hourly![5]).toMatchObject({ _ab_source_file_url: server.url, _ab_source_file_row: 6 });
    expect(out.records.infoclimat_stations).toHaveLength(4);
  });

  it('incremental: rows older than the saved cursor are not emitted again', async () => {
    server = await serve((_req, res) => res.writeHead(200).end(PAYLOAD));
    const config = { url: server.url, ...fast };
    const cat = await catalogFor(infoclimatSource, config, ['infoclimat_hourly']);
    const out = await collect(infoclimatSource.read(config, cat, { infoclimat_hourly: { cursor: '2024-10-26T23:00:00.000Z' } }, readContext()));
    // Only the last hour (equal to the cursor) of each of the 4 stations.
    expect(out.records.infoclimat_hourly).toHaveLength(4);
    expect(out.state.infoclimat_hourly!.cursor).toBe('2024-10-26T23:00:00.000Z');
  });

  it('retries a truncated body and fails clearly when it never completes', async () => {
    server = await serve((_req, res) => truncated(res, PAYLOAD));
    const config = { url: server.url, ...fast };
    const err = (await collect(infoclimatSource.read(config, await catalogFor(infoclimatSource, config, STREAMS), {}, readContext())).catch((e: unknown) => e)) as ProoflineError;
    expect(err).toBeInstanceOf(ProoflineError);
    expect(server.requests()).toBe(3);
    expect(err.message).toContain(`GET ${server.url} failed after 3 attempts`);
  });

  it('check() reports FAILED with the reason instead of throwing', async () => {
    server = await serve((_req, res) => res.writeHead(500).end());
    const status = await infoclimatSource.check({ url: server.url, retries: 0, retry_base_ms: 10 }, readContext());
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('HTTP 500');
  });

  it('rejects a config without paths or url with a ConfigError', async () => {
    await expect(infoclimatSource.discover({ timeout_ms: 10 }, readContext())).rejects.toThrow(/invalid infoclimat source config/);
  });
});
