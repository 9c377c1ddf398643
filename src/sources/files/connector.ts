import { basename } from 'node:path';
import { errorMessage } from '../../errors.js';
import { recordMessage, streamStateMessage, type AirbyteMessage, type ConfiguredAirbyteCatalog, type JsonObject } from '../../protocol/messages.js';
import { defineSource, requireFiles } from '../connector-kit.js';
import { alreadyRead, fileMarks, markRead, type SourceFile } from '../file-list.js';
import { parseErrorData, resumeState, selectedStream, type ReadContext, type SourceConnector } from '../source.js';
import { CsvFileError, readCsv, type CsvOptions } from './read-csv.js';
import { readJsonLines } from './read-lines.js';
import { filesConfigSchema, type FileFormat } from './spec.js';
import type { S3Options } from '../s3-location.js';

/**
 * A folder of JSONL, CSV or Airbyte raw JSONL files feeding one stream, on disk or under an
 * s3:// prefix. Files are read in name order, one at a time, streamed; the incremental
 * state lists the files already read (size + mtime, or size + ETag for S3 objects), so a
 * rerun only reads new or changed files.
 */

interface FilesConfig {
  path: string;
  pattern?: string;
  format: FileFormat;
  stream?: string;
  primary_key?: string[];
  cursor_field?: string;
  csv: CsvOptions;
  max_line_bytes: number;
  s3?: S3Options;
}

const DEFAULT_PATTERN: Readonly<Record<FileFormat, string>> = Object.freeze({ jsonl: '*.jsonl', csv: '*.csv', airbyte_jsonl: '*.jsonl' });

const inputFiles = (cfg: FilesConfig, ctx: ReadContext): Promise<SourceFile[]> => requireFiles('files', ctx, cfg.path, cfg.pattern ?? DEFAULT_PATTERN[cfg.format], cfg.s3);

async function* rows(cfg: FilesConfig, f: SourceFile): AsyncGenerator<JsonObject> {
  const input = await f.open();
  if (cfg.format === 'csv') yield* readCsv(input, f.rel, cfg.csv);
  else yield* readJsonLines(input, f.rel, cfg.format === 'airbyte_jsonl', cfg.max_line_bytes);
}

/** The stream's name: as configured, else the folder's (`data/sensor-readings` → `sensor-readings`), so a pipeline names it once. */
function streamOf(cfg: FilesConfig): string {
  const folder = basename(cfg.path.replace(/[\\/]+$/, '')).replace(/[^A-Za-z0-9_.-]/g, '_');
  return cfg.stream ?? (folder || 'files');
}

export const filesSource: SourceConnector = defineSource<FilesConfig>({
  type: 'files',
  configSchema: filesConfigSchema,
  probe: async (cfg, ctx) => `${(await inputFiles(cfg, ctx)).length} ${cfg.format} file(s)`,
  streams: (cfg) => [
    {
      name: streamOf(cfg),
      json_schema: { type: 'object', additionalProperties: true },
      supported_sync_modes: ['full_refresh', 'incremental'],
      ...(cfg.cursor_field ? { default_cursor_field: [cfg.cursor_field] } : {}),
      ...(cfg.primary_key ? { source_defined_primary_key: cfg.primary_key.map((k) => [k]) } : {}),
    },
  ],
  read: readFiles,
});

async function* readFiles(cfg: FilesConfig, catalog: ConfiguredAirbyteCatalog, state: Record<string, JsonObject>, ctx: ReadContext): AsyncGenerator<AirbyteMessage> {
  const stream = streamOf(cfg);
  const selected = selectedStream(catalog, stream);
  if (!selected) return;
  const marks = fileMarks(resumeState(selected, state, stream));
  for (const f of await inputFiles(cfg, ctx)) {
    ctx.signal?.throwIfAborted();
    if (alreadyRead(marks, f)) {
      ctx.logger.debug({ file: f.rel }, 'files: unchanged since the last run, skipped');
      continue;
    }
    try {
      for await (const row of rows(cfg, f)) yield recordMessage(stream, { ...row, _pl_source: 'files' });
    } catch (e) {
      // An I/O error mid-file (e.g. the file vanished): account for it, keep going.
      // A CSV header or encoding the file cannot be read with says so; anything else is I/O.
      yield recordMessage(stream, parseErrorData(f.rel, 0, `${f.rel}: ${e instanceof CsvFileError ? '' : 'unreadable: '}${errorMessage(e)}`));
    }
    markRead(marks, f);
    yield streamStateMessage(stream, { files: marks });
  }
}
