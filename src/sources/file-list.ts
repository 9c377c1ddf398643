import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { glob } from 'tinyglobby';
import { ProoflineError, ErrorCode } from '../errors.js';
import type { JsonObject } from '../protocol/messages.js';
import { isS3Url, listS3Objects, openS3Object, type S3Options } from './s3-location.js';

/**
 * Listing a source's input files, local or in S3 (`s3://bucket/prefix`), and the
 * incremental bookkeeping over them: a local file is "already read" when its relative
 * path, size and mtime match the saved state; an S3 object when its URL, size and ETag do.
 */

export interface SourceFile {
  /** Absolute path or s3:// URL. */
  path: string;
  /** Path relative to the config's folder, or the s3:// URL: what lineage and state record. */
  rel: string;
  size: number;
  mtimeMs: number;
  /** S3 objects: the ETag (a content hash for single-part uploads). */
  etag?: string;
  /** The content as a byte stream (local file or S3 object body). */
  open: () => Promise<Readable>;
}

export interface FileMark {
  size: number;
  mtime_ms: number;
  etag?: string;
}

function localFile(baseDir: string, path: string, size: number, mtimeMs: number): SourceFile {
  return { path, rel: relative(baseDir, path).split('\\').join('/'), size, mtimeMs, open: () => Promise.resolve(createReadStream(path)) };
}

async function listS3Files(patterns: readonly string[], s3: S3Options): Promise<SourceFile[]> {
  const seen = new Map<string, SourceFile>();
  for (const pattern of patterns) {
    for (const o of await listS3Objects(pattern, s3)) {
      seen.set(o.url, { path: o.url, rel: o.url, size: o.size, mtimeMs: o.lastModifiedMs, etag: o.etag, open: () => openS3Object(o, s3) });
    }
  }
  return [...seen.values()];
}

/** A whole (small) input as text: for formats that need the complete document, such as one JSON payload. */
export async function readText(f: SourceFile): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await f.open()) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    // Never U+FFFD in silence: the caller rejects the input, naming why.
    throw new ProoflineError(ErrorCode.SOURCE_INVALID, 'the file is not valid UTF-8');
  }
}

/**
 * Files matching `patterns` (globs) under `folder`, sorted by relative path for a stable
 * order. `folder` (or a pattern) may be an s3:// URL: then the objects under it are listed.
 */
export async function listFiles(baseDir: string, folder: string, patterns: readonly string[], s3: S3Options = {}): Promise<SourceFile[]> {
  const s3Folder = isS3Url(folder);
  const s3Patterns = s3Folder ? patterns.map((p) => (isS3Url(p) ? p : `${folder.replace(/\/+$/, '')}/${p}`)) : patterns.filter(isS3Url);
  const localPatterns = s3Folder ? [] : patterns.filter((p) => !isS3Url(p));
  const files = [...(s3Patterns.length ? await listS3Files(s3Patterns, s3) : []), ...(localPatterns.length ? await listLocalFiles(baseDir, folder, localPatterns) : [])];
  return files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

async function listLocalFiles(baseDir: string, folder: string, patterns: readonly string[]): Promise<SourceFile[]> {
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
    files.push(localFile(baseDir, path, s.size, Math.trunc(s.mtimeMs)));
  }
  return files;
}

export function fileMarks(state: JsonObject): Record<string, FileMark> {
  const files = state.files;
  return files && typeof files === 'object' && !Array.isArray(files) ? { ...(files as Record<string, FileMark>) } : {};
}

export function alreadyRead(marks: Record<string, FileMark>, f: SourceFile): boolean {
  const m = marks[f.rel];
  if (m === undefined || m.size !== f.size) return false;
  // An object store's ETag changes with the content; a rewrite with the same bytes keeps it.
  return f.etag !== undefined ? m.etag === f.etag : m.mtime_ms === f.mtimeMs;
}

export function markRead(marks: Record<string, FileMark>, f: SourceFile): void {
  marks[f.rel] = { size: f.size, mtime_ms: f.mtimeMs, ...(f.etag !== undefined ? { etag: f.etag } : {}) };
}
