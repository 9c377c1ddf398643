import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { commandLine, isAlive, portOpen, startDaemon, stopPid, waitFor, sleep } from './processes.js';
import type { StackLayout } from './layout.js';

/**
 * Where a real `mongod` exists (MONGOD names it, or it is on PATH), the stack is a
 * 3-member replica set instead of FerretDB. This path cannot run on the CI machines of
 * this project (no mongod binaries are obtainable there); it is kept small and uses
 * only documented commands: replSetInitiate, hello, and the stopReplProducer fail point
 * (test commands enabled) to pause replication.
 */

export const REPLICA_SET = 'rs0';

export function findMongod(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.MONGOD) return existsSync(env.MONGOD) ? env.MONGOD : null;
  try {
    return execFileSync('sh', ['-c', 'command -v mongod'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

export function memberPorts(layout: StackLayout): number[] {
  return [layout.ports.primary, layout.ports.replica, layout.ports.mongodExtra];
}

export const memberUri = (port: number): string => `mongodb://127.0.0.1:${port}/?directConnection=true`;

export function isOurMongod(pid: number | undefined, port: number): pid is number {
  return isAlive(pid) && commandLine(pid).includes(`--port ${port}`);
}

export function startMember(mongod: string, layout: StackLayout, port: number): number {
  const dbpath = join(layout.root, `mongod-${port}`);
  mkdirSync(dbpath, { recursive: true });
  mkdirSync(layout.logs, { recursive: true });
  return startDaemon(
    mongod,
    ['--replSet', REPLICA_SET, '--port', String(port), '--bind_ip', '127.0.0.1', '--dbpath', dbpath, '--setParameter', 'enableTestCommands=1'],
    join(layout.logs, `mongod-${port}.log`),
  );
}

export async function initiateReplicaSet(layout: StackLayout): Promise<void> {
  const ports = memberPorts(layout);
  for (const p of ports) await waitFor(`mongod on ${p}`, () => portOpen(p), 60_000);
  const client = new MongoClient(memberUri(ports[0]!), { serverSelectionTimeoutMS: 5_000 });
  try {
    const admin = client.db('admin');
    const hello = await admin.command({ hello: 1 });
    if (!hello.setName) {
      await admin.command({
        replSetInitiate: {
          _id: REPLICA_SET,
          members: ports.map((p, i) => ({ _id: i, host: `127.0.0.1:${p}`, priority: i === 0 ? 2 : 1 })),
        },
      });
    }
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const h = await admin.command({ hello: 1 });
      if (h.isWritablePrimary) return;
      await sleep(500);
    }
    throw new Error('replica set has no primary after 60s');
  } finally {
    await client.close();
  }
}

export async function setReplicationPaused(layout: StackLayout, paused: boolean): Promise<void> {
  const client = new MongoClient(memberUri(layout.ports.replica), { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db('admin').command({ configureFailPoint: 'stopReplProducer', mode: paused ? 'alwaysOn' : 'off' });
  } finally {
    await client.close();
  }
}

export async function stopMember(pid: number | undefined, port: number): Promise<void> {
  if (isOurMongod(pid, port)) await stopPid(pid, 30_000);
}
