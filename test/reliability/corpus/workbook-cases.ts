import ExcelJS from 'exceljs';
import type { FileCase } from './file-cases.js';

/**
 * Weather Underground workbooks for the corpus, synced through the example's mapping
 * (°F → °C, local time of the station → UTC). Stored outcomes name the fields that prove
 * the row arrived as it should; the rest of the document is the mapping's.
 */

export const WU_COLUMNS = ['Time', 'Temperature', 'Dew Point', 'Humidity', 'Wind', 'Speed', 'Gust', 'Pressure', 'Precip. Rate.', 'Precip. Accum.', 'UV', 'Solar'];
const row = (time: string, temperature: string, humidity = '80 %'): string[] => [time, temperature, '45 °F', humidity, 'WSW', '2 mph', '3 mph', '29.9 in', '0 in', '0 in', '0', '0 w/m²'];

interface WorkbookCase extends Omit<FileCase, 'bytes'> {
  /** Sheet rows, or raw bytes for a file that is not a workbook. */
  sheet: string[][] | Buffer;
}

export const WU_CASES: WorkbookCase[] = [
  { name: 'a good export', file: 'ILAMAD25_2024-10-27.xlsx', sheet: [WU_COLUMNS, row('12:04 AM', '50.2 °F')], rows: [{ row: 2, outcome: { stored: { id_station: 'ILAMAD25', dh_utc: new Date('2024-10-26T22:04:00Z'), temperature_c: 10.11, humidity_pct: 80 } } }] },
  { name: 'an impossible date in the file name', file: 'ILAMAD25_2024-02-30.xlsx', sheet: [WU_COLUMNS, row('12:04 AM', '50.2 °F')], rows: [{ row: 2, outcome: { rejected: 'impossible_date' } }] },
  { name: 'no Temperature and Humidity columns', file: 'ILAMAD25_2024-10-28.xlsx', sheet: [['Time', 'Dew Point', 'Wind'], ['12:04 AM', '45 °F', 'WSW']], rows: [{ row: 2, outcome: { rejected: 'drift' } }] },
  {
    name: 'a time that is not a clock time, then a good row',
    file: 'ILAMAD25_2024-10-29.xlsx',
    sheet: [WU_COLUMNS, row('25:99 XM', '50.2 °F'), row('1:04 AM', '51 °F', '81 %')],
    rows: [
      { row: 2, outcome: { rejected: 'time_format' } },
      { row: 3, outcome: { stored: { id_station: 'ILAMAD25', dh_utc: new Date('2024-10-29T00:04:00Z'), temperature_c: 10.56, humidity_pct: 81 } } },
    ],
  },
  { name: 'a sheet without a header row', file: 'ILAMAD25_2024-10-30.xlsx', sheet: [['no', 'header', 'here']], rows: [{ row: 0, outcome: { rejected: 'parse' } }] },
  { name: 'a file that is not a workbook', file: 'ILAMAD25_2024-10-31.xlsx', sheet: Buffer.from('PK\u0003\u0004 this is not a zip'), rows: [{ row: 1, outcome: { rejected: 'parse' } }] },
  {
    name: 'text where a temperature belongs, then a good row',
    file: 'ILAMAD25_2024-11-01.xlsx',
    sheet: [WU_COLUMNS, row('12:04 AM', 'warm'), row('1:04 AM', '51 °F', '81 %')],
    rows: [
      { row: 2, outcome: { rejected: 'number_format' } },
      { row: 3, outcome: { stored: { id_station: 'ILAMAD25', dh_utc: new Date('2024-11-01T00:04:00Z'), temperature_c: 10.56 } } },
    ],
  },
  { name: 'a station the config does not list', file: 'IOTHER1_2024-10-27.xlsx', sheet: [WU_COLUMNS, row('12:04 AM', '50.2 °F')], rows: [{ row: 0, outcome: { rejected: 'parse' } }] },
  { name: 'a humidity over 100 %', file: 'ILAMAD25_2024-11-02.xlsx', sheet: [WU_COLUMNS, row('12:04 AM', '50.2 °F', '180 %')], rows: [{ row: 2, outcome: { rejected: 'maximum' } }] },
];

/** The cases' files, as bytes by name. */
export async function writeWorkbooks(cases: WorkbookCase[]): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const c of cases) {
    if (Buffer.isBuffer(c.sheet)) {
      files[c.file] = c.sheet;
      continue;
    }
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Sheet1');
    for (const r of c.sheet) ws.addRow(r);
    files[c.file] = Buffer.from(await wb.xlsx.writeBuffer());
  }
  return files;
}
