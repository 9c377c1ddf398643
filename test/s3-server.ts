import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client, DeleteObjectCommand } from '@aws-sdk/client-s3';
import { freePort, ROOT, sleep } from './helpers.js';

/**
 * A real S3-compatible server for the tests: MinIO, built by scripts/install-minio.sh into
 * the tools folder, started on a free 127.0.0.1 port with a temporary data folder, and
 * stopped (folder removed) afterwards. The credentials are throwaway test values.
 */

export interface S3Server {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Environment for a process that should reach the server through the standard AWS chain. */
  env: Record<string, string>;
  client: S3Client;
  put: (bucket: string, key: string, body: string | Buffer) => Promise<void>;
  remove: (bucket: string, key: string) => Promise<void>;
  createBucket: (bucket: string) => Promise<void>;
  stop: () => Promise<void>;
}

export function minioBinary(): string {
  const candidates = [process.env.PROOFLINE_TOOLS_BIN, join(ROOT, '.tools/bin')].filter((d): d is string => Boolean(d)).map((d) => join(d, 'minio'));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`MinIO is not built (looked in ${candidates.join(', ')}): run bash scripts/install-minio.sh`);
  return found;
}

export async function startS3Server(): Promise<S3Server> {
  const [port, consolePort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'pl-minio-'));
  const accessKeyId = 'proofline-test';
  const secretAccessKey = `test-secret-${process.pid}-${Date.now()}`;
  const child: ChildProcess = spawn(minioBinary(), ['server', dir, '--address', `127.0.0.1:${port}`, '--console-address', `127.0.0.1:${consolePort}`, '--quiet'], {
    env: { ...process.env, MINIO_ROOT_USER: accessKeyId, MINIO_ROOT_PASSWORD: secretAccessKey, MINIO_BROWSER: 'off', MINIO_UPDATE: 'off', HOME: dir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`minio exited with ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${endpoint}/minio/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`minio did not become ready on ${endpoint}: ${stderr}`);
    }
    await sleep(200);
  }
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    env: { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_REGION: 'us-east-1' },
    client,
    put: async (bucket, key, body) => void (await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))),
    remove: async (bucket, key) => void (await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }))),
    createBucket: async (bucket) => void (await client.send(new CreateBucketCommand({ Bucket: bucket }))),
    stop: async () => {
      client.destroy();
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(10_000)]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
