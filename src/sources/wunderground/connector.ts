import { ConfigError, errorMessage } from '../../errors.js';
import { recordMessage, streamStateMessage, type AirbyteMessage, type ConfiguredAirbyteCatalog, type JsonObject } from '../../protocol/messages.js';
import { isValidZone } from '../../common/time.js';
import { defineSource, fileStream, requireFiles } from '../connector-kit.js';
import { alreadyRead, fileMarks, markRead, type SourceFile } from '../file-list.js';
import { rejectData, parseErrorData, resumeState, selectedStream, type ReadContext, type SourceConnector } from '../source.js';
import { fromFileName, isRealDate } from './file-context.js';
import { readExport } from './read-export.js';
import type { S3Options } from '../s3-location.js';
import { HOURLY_KEYS, HOURLY_STREAM, STATIONS_STREAM, exportRowSchema, stationSchema, wundergroundConfigSchema } from './spec.js';

/**
 * Weather Underground personal-station exports: one .xlsx per station and day. Rows are
 * emitted raw, with the station, local date and IANA zone the mapper needs under `_pl_*`
 * (local → UTC happens in the mapper, where the DST rule lives). A file whose station or
 * date cannot be determined, or that cannot be opened, is one `_proofline_error` record.
 */

interface StationConfig {
  id: string;
  timezone: string;
  name?: string;
  country?: string;
  latitude?: number;
  longitude?: number;
  elevation_m?: number;
}
interface WundergroundConfig {
  path: string;
  pattern: string;
  stations: StationConfig[];
  s3?: S3Options;
}

function checkZones(cfg: WundergroundConfig): void {
  for (const [i, s] of cfg.stations.entries()) {
    if (!isValidZone(s.timezone)) throw new ConfigError(`stations.${i}.timezone: "${s.timezone}" is not an IANA time zone (e.g. Europe/Paris)`);
  }
}

const exportFiles = (cfg: WundergroundConfig, ctx: ReadContext): Promise<SourceFile[]> => requireFiles('wunderground', ctx, cfg.path, cfg.pattern, cfg.s3);

export const wundergroundSource: SourceConnector = defineSource<WundergroundConfig>({
  type: 'wunderground',
  configSchema: wundergroundConfigSchema,
  documentationUrl: 'https://www.wunderground.com/pws/overview',
  refine: checkZones,
  probe: async (cfg, ctx) => `${(await exportFiles(cfg, ctx)).length} export file(s)`,
  streams: () => [
    fileStream(HOURLY_STREAM, exportRowSchema, HOURLY_KEYS),
    { name: STATIONS_STREAM, json_schema: stationSchema as unknown as JsonObject, supported_sync_modes: ['full_refresh'], source_defined_primary_key: [['source'], ['id_station']] },
  ],
  read: readWunderground,
});

async function* readWunderground(cfg: WundergroundConfig, catalog: ConfiguredAirbyteCatalog, state: Record<string, JsonObject>, ctx: ReadContext): AsyncGenerator<AirbyteMessage> {
  const stations = selectedStream(catalog, STATIONS_STREAM);
  if (stations) {
    for (const [i, s] of cfg.stations.entries()) {
      yield recordMessage(STATIONS_STREAM, { ...s, _ab_source_file_url: 'config:stations', _ab_source_file_row: i + 1 });
    }
    yield streamStateMessage(STATIONS_STREAM, { stations: cfg.stations.length });
  }
  const hourly = selectedStream(catalog, HOURLY_STREAM);
  if (!hourly) return;
  const marks = fileMarks(resumeState(hourly, state, HOURLY_STREAM));
  const byId = new Map(cfg.stations.map((s) => [s.id.toUpperCase(), s]));
  for (const f of await exportFiles(cfg, ctx)) {
    ctx.signal?.throwIfAborted();
    if (alreadyRead(marks, f)) {
      ctx.logger.debug({ file: f.rel }, 'wunderground: file unchanged since the last run, skipped');
      continue;
    }
    yield* readOneExport(f, cfg, byId, ctx);
    markRead(marks, f);
    yield streamStateMessage(HOURLY_STREAM, { files: marks });
  }
}

async function* readOneExport(f: SourceFile, cfg: WundergroundConfig, byId: Map<string, StationConfig>, ctx: ReadContext): AsyncGenerator<AirbyteMessage> {
  const named = fromFileName(f.rel);
  const station = named.station ? byId.get(named.station) : cfg.stations.length === 1 ? cfg.stations[0] : undefined;
  if (!station) {
    const why = named.station ? `station ${named.station} (from the file name) is not listed in the source config` : 'the file name does not name a station and the config lists several';
    yield recordMessage(HOURLY_STREAM, parseErrorData(f.rel, 0, `${f.rel}: ${why}; its time zone is unknown`, undefined, 'station'));
    return;
  }
  let lastRow = 0;
  try {
    // A local export is opened by path; an S3 one is streamed to exceljs's zip reader.
    for await (const item of readExport(f.etag === undefined ? f.path : await f.open())) {
      if (item.kind === 'extra-sheet') {
        ctx.logger.warn({ file: f.rel, sheet: item.name }, 'wunderground: extra sheet ignored (one sheet per export expected)');
        continue;
      }
      if (item.kind === 'no-header') {
        yield recordMessage(HOURLY_STREAM, parseErrorData(f.rel, 0, `${f.rel}: no header row with a "Time" column in ${item.rows} row(s)`, undefined, 'Time'));
        continue;
      }
      lastRow = item.row;
      const date = item.date ?? named.date;
      if (item.date && named.date && item.date !== named.date) {
        ctx.logger.debug({ file: f.rel, content: item.date, name: named.date }, 'wunderground: the date in the content wins over the file name');
      }
      if (date && !isRealDate(date)) {
        const from = item.date ? 'in the file' : 'in the file name';
        yield recordMessage(HOURLY_STREAM, rejectData(f.rel, item.row, 'impossible_date', `${f.rel} row ${item.row}: the date ${date} ${from} is not a day of the calendar`, undefined, 'date'));
        continue;
      }
      yield recordMessage(HOURLY_STREAM, {
        ...item.cells,
        _pl_station: station.id,
        _pl_date: date ?? '',
        _pl_timezone: station.timezone,
        _ab_source_file_url: f.rel,
        _ab_source_file_row: item.row,
      });
    }
  } catch (e) {
    // A corrupt workbook: what was read stays emitted; the rest is accounted for as one parse error.
    const message = errorMessage(e);
    ctx.logger.warn({ file: f.rel, afterRow: lastRow, error: message }, 'wunderground: unreadable workbook');
    yield recordMessage(HOURLY_STREAM, parseErrorData(f.rel, lastRow + 1, `${f.rel}: unreadable workbook after row ${lastRow}: ${message}`));
  }
}
