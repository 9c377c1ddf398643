import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { columnKey } from '../../common/text.js';
import type { JsonObject } from '../../protocol/messages.js';
import { cellText, cellValue, type Cell } from './cells.js';
import { dateInText } from './file-context.js';

/**
 * Stream the rows of one export (.xlsx) with exceljs's streaming WorkbookReader: memory
 * stays bounded by a row, not the file. Yields the header-keyed rows, plus any date found
 * in the title rows above the header. Throws when the workbook itself cannot be read.
 */

export type ExportItem =
  | { kind: 'row'; row: number; cells: JsonObject; date?: string }
  | { kind: 'no-header'; rows: number }
  | { kind: 'extra-sheet'; name: string };

export async function* readExport(input: string | Readable): AsyncGenerator<ExportItem> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell a real Excel time cell from a plain number.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'emit',
  });
  let sheets = 0;
  for await (const sheet of reader) {
    sheets += 1;
    if (sheets > 1) {
      // One sheet per export; a second one is drained (the reader needs it consumed) and reported.
      for await (const _row of sheet) void _row;
      yield { kind: 'extra-sheet', name: String((sheet as unknown as { name?: string }).name ?? sheets) };
      continue;
    }
    let headers: string[] | undefined;
    let dateColumn: number | undefined;
    let titleDate: string | undefined;
    let seen = 0;
    for await (const row of sheet) {
      seen += 1;
      const values = (row.values as unknown[]).slice(1).map(cellValue);
      if (!headers) {
        if (values.some((v) => typeof v === 'string' && columnKey(v) === 'time')) {
          headers = values.map((v, i) => (cellText(v).replace(/[\u00a0\u202f]/g, ' ').trim() || `column_${i + 1}`));
          const d = headers.findIndex((h) => columnKey(h) === 'date');
          dateColumn = d >= 0 ? d : undefined;
        } else {
          titleDate ??= values.map((v) => dateInText(cellText(v))).find((d) => d !== undefined);
        }
        continue;
      }
      if (values.every((v: Cell) => v === null || cellText(v).trim() === '')) continue;
      const cells: JsonObject = {};
      values.forEach((v, i) => {
        cells[headers![i] ?? `column_${i + 1}`] = v;
      });
      const rowDate = dateColumn === undefined ? undefined : dateInText(cellText(values[dateColumn] ?? null));
      const date = rowDate ?? titleDate;
      yield date === undefined ? { kind: 'row', row: row.number, cells } : { kind: 'row', row: row.number, cells, date };
    }
    if (!headers) yield { kind: 'no-header', rows: seen };
  }
}
