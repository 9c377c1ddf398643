import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, it, expect } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { createAjv } from '../../../src/common/ajv.js';
import {
  errorTraceMessage,
  estimateTraceMessage,
  globalStateMessage,
  legacyStateMessage,
  logMessage,
  recordMessage,
  streamStateMessage,
  streamStatusMessage,
  connectionStatusMessage,
} from '../../../src/protocol/messages.js';
import { ROOT, runCli } from '../../helpers.js';

/**
 * Every kind of message proofline emits, validated against the official Airbyte protocol
 * schema (a copy of airbytehq/airbyte-protocol's v0 YAML, MIT, kept in test/fixtures so a
 * fresh clone has it). Most messages are the real stdout of the CLI commands.
 */

const FIXTURES = join(ROOT, 'test/fixtures/airbyte');
let validate: ValidateFunction;

beforeAll(() => {
  const spec = parse(readFileSync(join(FIXTURES, 'airbyte_protocol.v0.yaml'), 'utf8')) as Record<string, unknown>;
  const ajv = createAjv();
  ajv.addSchema(spec, 'airbyte');
  validate = ajv.getSchema('airbyte#/definitions/AirbyteMessage')!;
  expect(validate).toBeTypeOf('function');
});

function expectValid(message: unknown): void {
  const ok = validate(message);
  expect(ok ? [] : validate.errors, JSON.stringify(message).slice(0, 300)).toEqual([]);
}

function lines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('every message proofline emits validates against airbyte_protocol.v0.yaml', () => {
  it('rejects a message that breaks the schema (the validator is really on)', () => {
    expect(validate({ type: 'RECORD', record: { stream: 's', data: {}, emitted_at: 1.5 } })).toBe(false);
    expect(validate({ type: 'LOG', log: { level: 'LOUD', message: 'x' } })).toBe(false);
  });

  it('message builders: record, states (stream, global, legacy), log, traces (error, estimate, stream status), connection status', () => {
    for (const m of [
      recordMessage('s', { a: 1 }),
      streamStateMessage('s', { cursor: 'x' }),
      globalStateMessage({ shared_state: { lsn: 1 }, stream_states: [{ stream_descriptor: { name: 's' }, stream_state: { c: 1 } }] }),
      legacyStateMessage({ s: { c: 1 } }),
      logMessage('WARN', 'careful'),
      errorTraceMessage('boom', { internal: 'stack', failureType: 'config_error', stream: { name: 's' } }),
      estimateTraceMessage('s', 10, 1000),
      streamStatusMessage({ name: 's' }, 'INCOMPLETE'),
      connectionStatusMessage('FAILED', 'no'),
    ]) {
      expectValid(m);
    }
  });

  for (const type of ['infoclimat', 'wunderground', 'files']) {
    it(`proofline source ${type} spec`, async () => {
      const r = await runCli(['source', type, 'spec']);
      expect(r.code).toBe(0);
      const [spec, ...rest] = lines(r.stdout);
      expect(rest).toEqual([]);
      expect(spec!.type).toBe('SPEC');
      expectValid(spec);
    });
  }

  it('proofline source infoclimat check (success and failure), discover and read', async () => {
    const config = join(FIXTURES, 'infoclimat-source.json');
    const ok = await runCli(['source', 'infoclimat', 'check', '--config', config, '--base-dir', FIXTURES]);
    const failed = await runCli(['source', 'infoclimat', 'check', '--config', config, '--base-dir', ROOT]);
    const discover = await runCli(['source', 'infoclimat', 'discover', '--config', config, '--base-dir', FIXTURES]);
    const read = await runCli(['source', 'infoclimat', 'read', '--config', config, '--base-dir', FIXTURES]);
    expect([ok.code, failed.code, discover.code, read.code]).toEqual([0, 0, 0, 0]);
    expect(lines(ok.stdout)).toMatchObject([{ type: 'CONNECTION_STATUS', connectionStatus: { status: 'SUCCEEDED' } }]);
    expect(lines(failed.stdout)).toMatchObject([{ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED' } }]);
    const all = [...lines(ok.stdout), ...lines(failed.stdout), ...lines(discover.stdout), ...lines(read.stdout)];
    const kinds = new Set(all.map((m) => (m.type === 'TRACE' ? `TRACE/${(m.trace as { type: string }).type}` : String(m.type))));
    expect([...kinds].sort()).toEqual(['CATALOG', 'CONNECTION_STATUS', 'RECORD', 'STATE', 'TRACE/STREAM_STATUS']);
    for (const m of all) expectValid(m);
  });

  it('proofline destination mongodb spec, check (failed) and a failed write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-dest-msg-'));
    const config = join(dir, 'dest.json');
    const catalog = join(dir, 'catalog.json');
    // Nothing listens on port 1: check answers FAILED, write fails with a TRACE error.
    writeFileSync(config, JSON.stringify({ uri: 'mongodb://user:pw@127.0.0.1:1/', database: 'x', timeout_ms: 300 }));
    writeFileSync(catalog, JSON.stringify({ streams: [{ stream: { name: 's', json_schema: {}, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] }));
    const spec = await runCli(['destination', 'mongodb', 'spec']);
    const check = await runCli(['destination', 'mongodb', 'check', '--config', config]);
    const write = await runCli(['destination', 'mongodb', 'write', '--config', config, '--catalog', catalog], { input: '{"type":"RECORD","record":{"stream":"s","data":{},"emitted_at":1}}\n' });
    expect([spec.code, check.code, write.code]).toEqual([0, 0, 1]);
    expect(lines(spec.stdout)).toMatchObject([{ type: 'SPEC', spec: { supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'] } }]);
    expect(lines(check.stdout)).toMatchObject([{ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: expect.stringContaining('connection refused') } }]);
    expect(lines(write.stdout)).toMatchObject([{ type: 'TRACE', trace: { type: 'ERROR' } }]);
    // The password in the URI appears nowhere.
    expect(`${check.stdout}${check.stderr}${write.stdout}${write.stderr}`).not.toContain('pw@');
    for (const m of [...lines(spec.stdout), ...lines(check.stdout), ...lines(write.stdout)]) expectValid(m);
  });

  it('a failed read emits a TRACE error and INCOMPLETE statuses, all valid, and exits 1', async () => {
    const r = await runCli(['source', 'infoclimat', 'read', '--config', join(FIXTURES, 'infoclimat-source.json'), '--base-dir', ROOT]);
    expect(r.code).toBe(1);
    const msgs = lines(r.stdout);
    expect(msgs.some((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR')).toBe(true);
    expect(msgs.filter((m) => (m.trace as { stream_status?: { status: string } } | undefined)?.stream_status?.status === 'INCOMPLETE').length).toBeGreaterThan(0);
    for (const m of msgs) expectValid(m);
  });
});
