import type { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import type { JsonObject } from '../../protocol/messages.js';
import { parseErrorData } from '../source.js';

/**
 * CSV streamed through csv-parse, columns from the header. A row with the wrong number of
 * fields, or a quote left open (a truncated file), becomes a parse-error record with its
 * line number and raw text instead of stopping the file.
 */

export interface CsvOptions {
  delimiter: string;
  quote: string;
  encoding: BufferEncoding;
  bom: boolean;
}

export async function* readCsv(input: Readable, rel: string, options: CsvOptions): AsyncGenerator<JsonObject> {
  const skipped: JsonObject[] = [];
  input.setEncoding(options.encoding);
  const parser = input.pipe(
    parse({
      columns: true,
      delimiter: options.delimiter,
      quote: options.quote,
      bom: options.bom,
      relax_column_count: true,
      skip_records_with_error: true,
      skip_empty_lines: true,
      info: true,
      raw: true,
    }),
  );
  parser.on('skip', (err: CsvError & { lines?: number; raw?: string }) => {
    skipped.push(parseErrorData(rel, err.lines ?? 0, `line ${err.lines ?? '?'}: ${err.message}`, err.raw));
  });
  for await (const item of parser as AsyncIterable<{ record: Record<string, string>; raw: string; info: { lines: number; error?: { message?: string; code?: string } } }>) {
    while (skipped.length) yield skipped.shift()!;
    const line = item.info.lines;
    if (item.info.error) {
      yield parseErrorData(rel, line, `line ${line}: ${item.info.error.message ?? item.info.error.code ?? 'wrong number of fields'}`, item.raw.replace(/[\r\n]+$/, ''));
      continue;
    }
    yield { ...item.record, _ab_source_file_url: rel, _ab_source_file_row: line };
  }
  while (skipped.length) yield skipped.shift()!;
}
