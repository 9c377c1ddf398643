import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import ExcelJS from 'exceljs';
import type { JsonObject } from '../protocol/messages.js';
import { readCsv } from '../sources/files/read-csv.js';
import { readJsonLines } from '../sources/files/read-lines.js';
import { sourceFields } from '../sync/schema-drift.js';

/** The first records of one input file, as the `files` source would deliver them (bookkeeping keys left out). */

export type SampleFormat = 'csv' | 'jsonl' | 'airbyte_jsonl' | 'xlsx';

export interface FileSample {
  file: string;
  format: SampleFormat;
  /** CSV only: the delimiter found in the header line. */
  delimiter?: string;
  records: JsonObject[];
  /** Lines the reader could not parse (kept out of the sample). */
  unparseable: number;
}

export const SAMPLE_SIZE = 1000;

function firstLine(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '';
  } finally {
    closeSync(fd);
  }
}

/** The separator the header line uses most: `;` is common where the comma is the decimal mark. */
export function detectDelimiter(header: string): string {
  const counts = [',', ';', '\t', '|'].map((d) => [d, header.split(d).length - 1] as const);
  return counts.sort((a, b) => b[1] - a[1])[0]![1] > 0 ? counts[0]![0] : ',';
}

function formatOf(path: string): SampleFormat {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  try {
    const first = JSON.parse(firstLine(path)) as unknown;
    if (first && typeof first === 'object' && '_airbyte_data' in first) return 'airbyte_jsonl';
  } catch {
    // Not JSON on the first line: read as JSONL anyway; its rows become unparseable.
  }
  return 'jsonl';
}

function cellText(v: ExcelJS.CellValue): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    return null;
  }
  return v;
}

async function* readXlsx(path: string): AsyncGenerator<JsonObject> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  const sheet = wb.worksheets[0];
  if (!sheet) return;
  let header: string[] | undefined;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const values = (sheet.getRow(r).values as ExcelJS.CellValue[]).slice(1);
    if (!header) {
      if (values.some((v) => v !== null && v !== undefined && String(cellText(v)).trim() !== '')) header = values.map((v, i) => String(cellText(v) ?? '').trim() || `column_${i + 1}`);
      continue;
    }
    const row: JsonObject = {};
    header.forEach((h, i) => (row[h] = cellText(values[i] ?? null) as JsonObject[string]));
    yield row;
  }
}

export async function sampleFile(path: string, limit = SAMPLE_SIZE): Promise<FileSample> {
  const format = formatOf(path);
  const rel = basename(path);
  const delimiter = format === 'csv' ? detectDelimiter(firstLine(path)) : undefined;
  const rows =
    format === 'csv'
      ? readCsv(createReadStream(path), rel, { delimiter: delimiter!, quote: '"', encoding: 'utf8', bom: true })
      : format === 'xlsx'
        ? readXlsx(path)
        : readJsonLines(createReadStream(path), rel, format === 'airbyte_jsonl');
  const records: JsonObject[] = [];
  let unparseable = 0;
  for await (const row of rows) {
    const fields = sourceFields(row);
    if (!fields) unparseable += 1;
    else records.push(fields);
    if (records.length >= limit) break;
  }
  return { file: path, format, ...(delimiter ? { delimiter } : {}), records, unparseable };
}
