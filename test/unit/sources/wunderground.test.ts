import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { wundergroundSource } from '../../../src/sources/wunderground/connector.js';
import { fromFileName, dateInText } from '../../../src/sources/wunderground/file-context.js';
import { catalogFor, collect, exampleMapper, readContext } from './collect.js';

const STATIONS = [
  { id: 'ILAMAD25', timezone: 'Europe/Paris', name: 'La Madeleine', latitude: 50.659, longitude: 3.07, elevation_m: 23 },
  { id: 'IICHTE19', timezone: 'Europe/Brussels', name: 'WeerstationBS', latitude: 51.092, longitude: 2.999, elevation_m: 15 },
];
const config = { path: 'data/wunderground', stations: STATIONS };
const ctx0 = { runId: 'r', stream: 'wunderground_hourly', ingestedAt: new Date() };

describe('wunderground source on the sample exports', () => {
  it('streams every row with station, date and zone; a state after each file', async () => {
    const out = await collect(wundergroundSource.read(config, await catalogFor(wundergroundSource, config, ['wunderground_hourly', 'wunderground_stations']), {}, readContext()));
    const rows = out.records.wunderground_hourly!;
    // ILAMAD25: 4 autumn days at 5 min (one with 25 h) + the spring day (23 h); IICHTE19: 3 days at 10 min (one with 25 h).
    expect(rows).toHaveLength(288 * 3 + 300 + 276 + 144 * 2 + 150);
    expect(out.records.wunderground_stations).toHaveLength(2);
    expect(out.states).toBe(1 + 8);
    const first = rows.find((r) => r._ab_source_file_url === 'data/wunderground/ILAMAD25_2024-10-27.xlsx')!;
    expect(first).toMatchObject({ Time: '12:04 AM', _pl_station: 'ILAMAD25', _pl_date: '2024-10-27', _pl_timezone: 'Europe/Paris', _ab_source_file_row: 2 });
  });

  it('takes the date from the title row above the header (IICHTE19 exports)', async () => {
    const out = await collect(wundergroundSource.read({ ...config, pattern: 'IICHTE19_2024-10-26.xlsx' }, await catalogFor(wundergroundSource, config, ['wunderground_hourly']), {}, readContext()));
    const rows = out.records.wunderground_hourly!;
    expect(rows[0]).toMatchObject({ _pl_date: '2024-10-26', _ab_source_file_row: 3 });
  });

  it('DST day: the mapped rows keep both 2:xx AM runs, all UTC instants distinct and increasing', async () => {
    const out = await collect(wundergroundSource.read({ ...config, pattern: 'ILAMAD25_2024-10-27.xlsx' }, await catalogFor(wundergroundSource, config, ['wunderground_hourly']), {}, readContext()));
    const mapper = exampleMapper('wunderground_hourly');
    const utc: number[] = [];
    for (const r of out.records.wunderground_hourly!) {
      const o = await mapper.map(r, ctx0);
      if (!o.ok) throw new Error(JSON.stringify(o.failures));
      utc.push((o.doc.dh_utc as Date).getTime());
    }
    expect(utc).toHaveLength(300);
    expect(new Set(utc).size).toBe(300);
    for (let i = 1; i < utc.length; i++) expect(utc[i]! - utc[i - 1]!).toBe(5 * 60_000);
    expect(new Date(utc[0]!).toISOString()).toBe('2024-10-26T22:04:00.000Z');
  });

  it('incremental: unchanged files are skipped on the next run', async () => {
    const cat = await catalogFor(wundergroundSource, config, ['wunderground_hourly']);
    const first = await collect(wundergroundSource.read(config, cat, {}, readContext()));
    const again = await collect(wundergroundSource.read(config, cat, first.state, readContext()));
    expect(again.records).toEqual({});
  });
});

describe('wunderground source: unusable files are accounted for', () => {
  it('a corrupt workbook, an unknown station and a sheet without header each become one parse-error record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-wu-'));
    writeFileSync(join(dir, 'ILAMAD25_2024-10-29.xlsx'), 'PK\u0003\u0004 this is not a zip');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('x').addRow(['Temperature', 'Humidity']);
    await wb.xlsx.writeFile(join(dir, 'ILAMAD25_2024-10-30.xlsx'));
    await wb.xlsx.writeFile(join(dir, 'IOTHER1_2024-10-30.xlsx'));
    const ctx = readContext(dir);
    const cfg = { path: '.', stations: STATIONS };
    const out = await collect(wundergroundSource.read(cfg, await catalogFor(wundergroundSource, cfg, ['wunderground_hourly'], 'incremental', ctx), {}, ctx));
    const errors = out.records.wunderground_hourly!.map((r) => (r._proofline_error as { message: string }).message);
    expect(errors).toHaveLength(3);
    // Files in name order: the corrupt one, the one without header, the unknown station.
    expect(errors[0]).toMatch(/ILAMAD25_2024-10-29.xlsx: unreadable workbook/);
    expect(errors[1]).toMatch(/no header row with a "Time" column/);
    expect(errors[2]).toMatch(/IOTHER1.*not listed in the source config/);
    expect(out.states).toBe(3);
  });

  it('rejects an unknown time zone in the config', async () => {
    await expect(wundergroundSource.discover({ path: '.', stations: [{ id: 'X1', timezone: 'Europe/Atlantis' }] }, readContext())).rejects.toThrow(/not an IANA time zone/);
  });
});

describe('file context', () => {
  it('reads station and date from the file name, dates from free text', () => {
    expect(fromFileName('data/ILAMAD25_2024-10-27.xlsx')).toEqual({ station: 'ILAMAD25', date: '2024-10-27' });
    expect(fromFileName('export 2024-10-27.xlsx')).toEqual({ date: '2024-10-27' });
    expect(dateInText('Daily observations 10/27/2024')).toBe('2024-10-27');
    expect(dateInText('no date here')).toBeUndefined();
  });
});
