import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StackLayout } from './layout.js';

/** What `stack up` started, so that `down` can stop exactly those processes, by pid. */
export interface StackState {
  kind: 'ferretdb' | 'mongod';
  pids: Record<string, number | undefined>;
  primaryUri: string;
  replicaUris: string[];
  /** Present for the PostgreSQL-backed stack: lets checks read server-side replication lag. */
  postgres?: { primaryUrl: string; replicaUrl: string };
  ferretdbVersion?: string;
  startedAt: string;
}

export function readState(layout: StackLayout): StackState | null {
  if (!existsSync(layout.stateFile)) return null;
  try {
    return JSON.parse(readFileSync(layout.stateFile, 'utf8')) as StackState;
  } catch {
    return null;
  }
}

export function writeState(layout: StackLayout, state: StackState): void {
  mkdirSync(dirname(layout.stateFile), { recursive: true });
  const tmp = `${layout.stateFile}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(tmp, layout.stateFile);
}
