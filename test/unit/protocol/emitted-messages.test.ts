import { readFileSync } from 'node:fs';
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

  it('a failed read emits a TRACE error and INCOMPLETE statuses, all valid, and exits 1', async () => {
    const r = await runCli(['source', 'infoclimat', 'read', '--config', join(FIXTURES, 'infoclimat-source.json'), '--base-dir', ROOT]);
    expect(r.code).toBe(1);
    const msgs = lines(r.stdout);
    expect(msgs.some((m) => m.type === 'TRACE' && (m.trace as { type: string }).type === 'ERROR')).toBe(true);
    expect(msgs.filter((m) => (m.trace as { stream_status?: { status: string } } | undefined)?.stream_status?.status === 'INCOMPLETE').length).toBeGreaterThan(0);
    for (const m of msgs) expectValid(m);
  });
});
