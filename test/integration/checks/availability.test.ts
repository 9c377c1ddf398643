import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../../src/checks/run.js';
import type { CheckResult } from '../../../src/checks/result.js';
import { freePort, primaryClient, uniqueDb } from '../../helpers.js';
import { config } from './cases/config.js';

/** Availability on the real stack, and each connection failure that can be produced here. */

// A port just released by the OS: nobody listens there, so a connection is refused.
const closedPort = freePort;

const primaryFinding = (r: CheckResult) => r.findings.find((f) => f.labels?.endpoint === 'primary' && f.status === 'fail');

describe('availability check', () => {
  const db = uniqueDb('avail');

  afterAll(async () => {
    const c = await primaryClient();
    await c.db(db).dropDatabase();
    await c.close();
  });

  it('measures connect, ping and every operation on the primary, and reads on the replica', async () => {
    const r = await runCheck('availability', config(db, { availability: { ping_samples: 15, op_samples: 4 } }));
    expect(r.status, JSON.stringify(r.findings)).toBe('pass');
    const lat = r.evidence.latencies_ms as Record<string, Record<string, number[]>>;
    expect(lat.primary!.ping).toHaveLength(15);
    for (const op of ['insert', 'find', 'update', 'delete', 'aggregate']) expect(lat.primary![op], op).toHaveLength(4);
    expect(Object.keys(lat['replica-1']!).sort()).toEqual(['aggregate', 'connect', 'find', 'ping']);
    expect(r.measurements['ping_ms_p95[primary]']!.value).toBeGreaterThan(0);
    expect(r.measurements['ping_ms_p99[replica-1]']!.value).toBeGreaterThanOrEqual(r.measurements['ping_ms_p50[replica-1]']!.value!);
    expect(r.measurements['op_ms_p95[primary/insert]']).toMatchObject({ metric: 'op_ms_p95', unit: 'ms', labels: { endpoint: 'primary', op: 'insert' } });
    expect(r.measurements['op_ms_p95[replica-1/insert]']).toBeUndefined();
    expect(r.findings.find((f) => f.labels?.endpoint === 'replica-1')?.message).toMatch(/not applicable on a read-only replica/);
    expect(r.thresholds).toContainEqual({ metric: 'ping_ms_p95[primary]', op: '<=', value: 100 });
    // The scratch collection is gone.
    const c = await primaryClient();
    const names = (await c.db(db).listCollections().toArray()).map((x) => x.name);
    await c.close();
    expect(names.filter((n) => n.startsWith('_proofline_scratch'))).toEqual([]);
  });

  it('fails a threshold it cannot meet, naming the endpoint and the numbers', async () => {
    const r = await runCheck('availability', config(db, { availability: { ping_samples: 5, op_samples: 1, ping_p95_ms: 0.000001 } }));
    expect(r.status).toBe('fail');
    expect(r.findings.map((f) => f.message)).toContainEqual(expect.stringMatching(/^primary \(127\.0\.0\.1:\d+\) ping p95: [\d.]+ ms, expected <= 0\.000001 ms$/));
  });

  it('reports a refused connection', async () => {
    const port = await closedPort();
    const r = await runCheck('availability', config(db, {}, { uri: `mongodb://127.0.0.1:${port}/`, replicas: [] }));
    expect(r.status).toBe('fail');
    expect(primaryFinding(r)?.labels?.code).toBe('CONNECTION_REFUSED');
    expect(primaryFinding(r)?.message).toMatch(new RegExp(`connection refused by 127\\.0\\.0\\.1:${port}: nothing listens on that port`));
    expect(r.measurements['endpoint_up[primary]']!.value).toBe(0);
  });

  it('reports an unresolvable host as unreachable', async () => {
    const r = await runCheck('availability', config(db, {}, { uri: 'mongodb://nonexistent.invalid:27017/', replicas: [] }));
    expect(primaryFinding(r)?.labels?.code).toBe('HOST_UNREACHABLE');
    expect(primaryFinding(r)?.message).toMatch(/host nonexistent\.invalid:27017 is unreachable: getaddrinfo ENOTFOUND/);
  });

  it('reports wrong credentials as an authentication failure, without the password', async () => {
    const r = await runCheck('availability', config(db, {}, { uri: 'mongodb://alice:s3cret-pw@127.0.0.1:' + new URL(config(db).mongodb.uri).port + '/?authSource=admin', replicas: [] }));
    expect(primaryFinding(r)?.labels?.code).toBe('AUTH_FAILED');
    expect(primaryFinding(r)?.message).toMatch(/authentication failed on 127\.0\.0\.1:\d+/);
    expect(JSON.stringify(r)).not.toContain('s3cret-pw');
  });

  describe('TLS', () => {
    let server: TlsServer;
    let port: number;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'proofline-tls-'));
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      server = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (s) => s.end());
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('reports a certificate the client does not trust as a TLS failure', async () => {
      const r = await runCheck('availability', config(db, {}, { uri: `mongodb://127.0.0.1:${port}/?tls=true`, replicas: [] }));
      expect(primaryFinding(r)?.labels?.code).toBe('TLS_FAILED');
      expect(primaryFinding(r)?.message).toMatch(new RegExp(`TLS handshake with 127\\.0\\.0\\.1:${port} failed: .*self[- ]signed`));
    });

    it('explains a timeout when tls=true meets a port that does not speak TLS (FerretDB plain port)', async () => {
      const plain = new URL(config(db).mongodb.uri).port;
      const r = await runCheck('availability', config(db, {}, { uri: `mongodb://127.0.0.1:${plain}/?tls=true`, replicas: [], timeout_ms: 1000 }));
      expect(primaryFinding(r)?.labels?.code).toBe('SERVER_TIMEOUT');
      expect(primaryFinding(r)?.message).toMatch(/if this port does not speak TLS/);
    });
  });
});
