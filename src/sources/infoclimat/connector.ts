import { redactUri } from '../../common/redact.js';
import { ErrorCode, ProoflineError, errorMessage } from '../../errors.js';
import { recordMessage, streamStateMessage, type AirbyteMessage, type ConfiguredAirbyteCatalog, type JsonObject } from '../../protocol/messages.js';
import { parseUtcTimestamp } from '../../common/time.js';
import { defineSource, fileStream } from '../connector-kit.js';
import { alreadyRead, fileMarks, listFiles, markRead, readText, type SourceFile } from '../file-list.js';
import type { S3Options } from '../s3-location.js';
import { fetchJson } from '../http-fetch.js';
import { stripBom } from '../input-checks.js';
import { parseExactJson } from '../exact-json.js';
import { parseErrorData, resumeState, selectedStream, type ReadContext, type SourceConnector } from '../source.js';
import { hourlyRows, payloadShapeError, stationRows } from './payload.js';
import { HOURLY_KEYS, HOURLY_STREAM, STATIONS_STREAM, hourlyRowSchema, infoclimatConfigSchema, stationRowSchema } from './spec.js';

/**
 * InfoClimat open-data payloads, from files and/or an HTTP URL. One payload feeds two
 * streams: `infoclimat_stations` and `infoclimat_hourly`. Incremental state: the files
 * already read (size + mtime) and, for the hourly stream, the max `dh_utc` seen; rows of
 * a URL payload older than that cursor are not emitted again.
 */

interface InfoclimatConfig {
  paths?: string[];
  url?: string;
  timeout_ms: number;
  retries: number;
  retry_base_ms: number;
  s3?: S3Options;
}

async function payloadFiles(cfg: InfoclimatConfig, ctx: ReadContext): Promise<SourceFile[]> {
  if (!cfg.paths) return [];
  const files = await listFiles(ctx.baseDir, '.', cfg.paths, cfg.s3);
  if (files.length === 0 && !cfg.url) {
    throw new ProoflineError(ErrorCode.SOURCE_UNAVAILABLE, `infoclimat: no payload file matches ${cfg.paths.join(', ')} (relative to ${ctx.baseDir})`);
  }
  return files;
}

function laterCursor(a: string | undefined, b: unknown): string | undefined {
  const tb = parseUtcTimestamp(b);
  if (!tb) return a;
  const ta = a === undefined ? undefined : parseUtcTimestamp(a);
  return ta === undefined || tb > ta ? tb.toISOString() : a;
}

export const infoclimatSource: SourceConnector = defineSource<InfoclimatConfig>({
  type: 'infoclimat',
  configSchema: infoclimatConfigSchema,
  documentationUrl: 'https://www.infoclimat.fr/opendata/',
  async probe(cfg, ctx) {
    const files = await payloadFiles(cfg, ctx);
    if (cfg.url) await fetchJson(cfg.url, { timeoutMs: cfg.timeout_ms, retries: Math.min(cfg.retries, 1), retryBaseMs: cfg.retry_base_ms, signal: ctx.signal });
    return `${files.length} payload file(s)${cfg.url ? ' and the URL answer' : ''}`;
  },
  streams: () => [
    fileStream(HOURLY_STREAM, hourlyRowSchema, HOURLY_KEYS),
    {
      name: STATIONS_STREAM,
      json_schema: stationRowSchema as unknown as JsonObject,
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_primary_key: [['source'], ['id_station']],
    },
  ],
  read: readInfoclimat,
});

async function* readInfoclimat(cfg: InfoclimatConfig, catalog: ConfiguredAirbyteCatalog, state: Record<string, JsonObject>, ctx: ReadContext): AsyncGenerator<AirbyteMessage> {
  const hourly = selectedStream(catalog, HOURLY_STREAM);
  const stations = selectedStream(catalog, STATIONS_STREAM);
  if (!hourly && !stations) return;
  const hState = resumeState(hourly, state, HOURLY_STREAM);
  const hMarks = fileMarks(hState);
  const sMarks = fileMarks(resumeState(stations, state, STATIONS_STREAM));
  let cursor = typeof hState.cursor === 'string' ? hState.cursor : undefined;
  const hourlyState = (): JsonObject => ({ files: hMarks, ...(cursor === undefined ? {} : { cursor }) });

  for (const f of await payloadFiles(cfg, ctx)) {
    ctx.signal?.throwIfAborted();
    const needHourly = hourly !== undefined && !alreadyRead(hMarks, f);
    const needStations = stations !== undefined && !alreadyRead(sMarks, f);
    if (!needHourly && !needStations) {
      ctx.logger.debug({ file: f.rel }, 'infoclimat: file unchanged since the last run, skipped');
      continue;
    }
    let payload: unknown;
    let problem: string | undefined;
    let text = '';
    try {
      // One payload is one JSON document: it is read whole (local or S3), then parsed.
      text = stripBom(await readText(f));
      payload = parseExactJson(text);
      problem = payloadShapeError(payload);
    } catch (e) {
      problem = text === '' ? errorMessage(e) : `not valid JSON: ${errorMessage(e)}`;
    }
    if (problem !== undefined) {
      // The whole file is one unparseable input: account for it once per stream, then move on.
      ctx.logger.warn({ file: f.rel, problem }, 'infoclimat: unusable payload file');
      for (const [sel, marks] of [
        [needStations ? stations : undefined, sMarks],
        [needHourly ? hourly : undefined, hMarks],
      ] as const) {
        if (!sel) continue;
        yield recordMessage(sel.stream.name, parseErrorData(f.rel, 0, `${f.rel}: ${problem}`, text.slice(0, 2000)));
        markRead(marks, f);
        yield streamStateMessage(sel.stream.name, sel === hourly ? hourlyState() : { files: marks });
      }
      continue;
    }
    const body = payload as JsonObject;
    if (needStations) {
      for (const row of stationRows(body, f.rel)) yield recordMessage(STATIONS_STREAM, row);
      markRead(sMarks, f);
      yield streamStateMessage(STATIONS_STREAM, { files: sMarks });
    }
    if (needHourly) {
      for (const row of hourlyRows(body, f.rel)) {
        cursor = laterCursor(cursor, row.dh_utc);
        yield recordMessage(HOURLY_STREAM, row);
      }
      markRead(hMarks, f);
      yield streamStateMessage(HOURLY_STREAM, hourlyState());
    }
  }

  if (cfg.url) {
    const where = redactUri(cfg.url);
    const { body, attempts, bytes } = await fetchJson(cfg.url, {
      timeoutMs: cfg.timeout_ms,
      retries: cfg.retries,
      retryBaseMs: cfg.retry_base_ms,
      signal: ctx.signal,
      logger: ctx.logger,
    });
    ctx.logger.info({ url: where, attempts, bytes }, 'infoclimat: payload fetched');
    const problem = payloadShapeError(body);
    if (problem !== undefined) throw new ProoflineError(ErrorCode.SOURCE_INVALID, `infoclimat: ${where} returned an unusable payload: ${problem}`);
    const payload = body as JsonObject;
    if (stations) {
      for (const row of stationRows(payload, where)) yield recordMessage(STATIONS_STREAM, row);
      yield streamStateMessage(STATIONS_STREAM, { files: sMarks });
    }
    if (hourly) {
      const since = cursor === undefined || hourly.sync_mode !== 'incremental' ? undefined : new Date(cursor);
      let skipped = 0;
      let next = cursor;
      for (const row of hourlyRows(payload, where)) {
        const t = parseUtcTimestamp(row.dh_utc);
        // Rows before the saved cursor were delivered by an earlier run; equal ones are re-sent (dedup makes them unchanged).
        if (since && t && t < since) {
          skipped += 1;
          continue;
        }
        next = laterCursor(next, row.dh_utc);
        yield recordMessage(HOURLY_STREAM, row);
      }
      cursor = next;
      if (skipped) ctx.logger.info({ url: where, skipped, cursor: since?.toISOString() }, 'infoclimat: rows older than the saved cursor not re-emitted');
      yield streamStateMessage(HOURLY_STREAM, hourlyState());
    }
  }
}
