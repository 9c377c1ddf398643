import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import { ProoflineError, ErrorCode } from '../errors.js';
import type { JsonObject } from '../protocol/messages.js';

/**
 * Listing a source's input files, and the incremental bookkeeping over them: a file is
 * "already read" when its relative path, size and mtime match the saved state.
 */

export interface SourceFile {
  /** Absolute path, for opening. */
  path: string;
  /** Path relative to the config's folder: what lineage and state record. */
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface FileMark {
  size: number;
  mtime_ms: number;
}

/** Files matching `patterns` (globs) under `folder`, sorted by relative path for a stable order. */
export async function listFiles(baseDir: string, folder: string, patterns: readonly string[]): Promise<SourceFile[]> {
  const root = isAbsolute(folder) ? folder : resolve(baseDir, folder);
  let rootStat;
  try {
    rootStat = await stat(root);
  } catch {
    throw new ProoflineError(ErrorCode.SOURCE_UNAVAILABLE, `source folder ${relative(baseDir, root) || root} does not exist`, {
      hint: 'check the path in the source config (relative paths resolve against the config file)',
    });
  }
  if (!rootStat.isDirectory()) throw new ProoflineError(ErrorCode.SOURCE_INVALID, `source path ${root} is not a folder`);
  const matches = await glob([...patterns], { cwd: root, onlyFiles: true, absolute: true, dot: false });
  const files: SourceFile[] = [];
  for (const path of matches) {
    const s = await stat(path);
    files.push({ path, rel: relative(baseDir, path).split('\\').join('/'), size: s.size, mtimeMs: Math.trunc(s.mtimeMs) });
  }
  return files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

export function fileMarks(state: JsonObject): Record<string, FileMark> {
  const files = state.files;
  return files && typeof files === 'object' && !Array.isArray(files) ? { ...(files as Record<string, FileMark>) } : {};
}

export function alreadyRead(marks: Record<string, FileMark>, f: SourceFile): boolean {
  const m = marks[f.rel];
  return m !== undefined && m.size === f.size && m.mtime_ms === f.mtimeMs;
}

export function markRead(marks: Record<string, FileMark>, f: SourceFile): void {
  marks[f.rel] = { size: f.size, mtime_ms: f.mtimeMs };
}
