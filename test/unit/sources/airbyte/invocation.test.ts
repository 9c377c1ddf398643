import { describe, it, expect } from 'vitest';
import { dockerInvocation, localInvocation, connectorLabel } from '../../../../src/sources/airbyte/invocation.js';
import { parseAirbyteSourceConfig } from '../../../../src/sources/airbyte/config.js';

const files = { dir: '/tmp/proofline-airbyte-abc', config: '/tmp/proofline-airbyte-abc/config.json', catalog: '/tmp/proofline-airbyte-abc/catalog.json', state: '/tmp/proofline-airbyte-abc/state.json' };

describe('docker invocation', () => {
  const cfg = parseAirbyteSourceConfig({
    type: 'airbyte',
    image: 'airbyte/source-faker:6.2.0',
    config: { count: 10 },
    env: { API_TOKEN: 's3cret' },
    docker: { network: 'host', args: ['--memory', '1g'] },
  });

  it('mounts the private dir read-only and points the verb at the mounted files', () => {
    const inv = dockerInvocation(cfg, 'read', files, { uid: 1000, gid: 1001 });
    expect(inv.program).toBe('docker');
    expect(inv.args).toEqual([
      'run', '--rm', '-i', '--init',
      '-v', '/tmp/proofline-airbyte-abc:/secrets:ro',
      '--user', '1000:1001',
      '--network', 'host',
      '-e', 'API_TOKEN',
      '--memory', '1g',
      'airbyte/source-faker:6.2.0',
      'read', '--config', '/secrets/config.json', '--catalog', '/secrets/catalog.json', '--state', '/secrets/state.json',
    ]);
  });

  it('never puts environment values on the command line, only names', () => {
    const inv = dockerInvocation(cfg, 'check', files, { uid: 0, gid: 0 });
    expect(inv.args.join(' ')).not.toContain('s3cret');
    expect(inv.env).toEqual({ API_TOKEN: 's3cret' });
    expect(inv.args.slice(-3)).toEqual(['check', '--config', '/secrets/config.json']);
  });

  it('passes no files to spec and no state when there is none', () => {
    expect(dockerInvocation(cfg, 'spec', files, {}).args.slice(-2)).toEqual(['airbyte/source-faker:6.2.0', 'spec']);
    const { state: _state, ...noState } = files;
    expect(dockerInvocation(cfg, 'read', noState, {}).args).not.toContain('--state');
    expect(dockerInvocation(cfg, 'discover', files, {}).args.slice(-3)).toEqual(['discover', '--config', '/secrets/config.json']);
  });

  it('honours an explicit docker binary and user', () => {
    const podman = parseAirbyteSourceConfig({ type: 'airbyte', image: 'x/y:1', config: {}, docker: { binary: 'podman', user: '65534:65534' } });
    const inv = dockerInvocation(podman, 'spec', files, { uid: 0, gid: 0 });
    expect(inv.program).toBe('podman');
    expect(inv.args).toContain('65534:65534');
    expect(connectorLabel(podman)).toBe('x/y:1');
  });
});

describe('local invocation', () => {
  it('appends the verb and host paths to the command', () => {
    const cfg = parseAirbyteSourceConfig({ type: 'airbyte', command: ['.venv/bin/python', '-m', 'source_faker'], config: {} });
    const inv = localInvocation(cfg, 'read', files);
    expect(inv.program).toBe('.venv/bin/python');
    expect(inv.args).toEqual(['-m', 'source_faker', 'read', '--config', files.config, '--catalog', files.catalog, '--state', files.state]);
    expect(connectorLabel(cfg)).toBe('source_faker');
  });
});

describe('airbyte source config', () => {
  it('defaults timeouts and accepts stream names or objects', () => {
    const cfg = parseAirbyteSourceConfig({ type: 'airbyte', command: ['x'], config: {}, streams: ['users', { name: 'purchases', sync_mode: 'full_refresh' }] });
    expect(cfg.timeout_ms).toBe(3_600_000);
    expect(cfg.max_line_bytes).toBe(32 * 1024 * 1024);
    expect(cfg.streams).toEqual([{ name: 'users' }, { name: 'purchases', sync_mode: 'full_refresh' }]);
  });

  it('requires exactly one of command or image, with a message that says so', () => {
    expect(() => parseAirbyteSourceConfig({ type: 'airbyte', config: {} }, 'streams.0.source')).toThrow(/exactly one of `command`/);
    expect(() => parseAirbyteSourceConfig({ type: 'airbyte', command: ['a'], image: 'b', config: {} })).toThrow(/exactly one of/);
    expect(() => parseAirbyteSourceConfig({ type: 'airbyte', command: ['a'], config: {}, timeout_ms: 5 }, 'streams.0.source')).toThrow(/streams\.0\.source\.timeout_ms/);
  });
});
