import { Transform, type Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import { isReservedKey } from '../input-checks.js';
import type { JsonObject } from '../../protocol/messages.js';
import { parseErrorData } from '../source.js';

/**
 * CSV streamed through csv-parse, columns from the header. A row with the wrong number of
 * fields, or a quote left open (a truncated file), becomes a parse-error record with its
 * line number and raw text instead of stopping the file.
 *
 * A header that cannot give every field its own storable name (a duplicate, an empty or
 * `__proto__` name, a name in proofline's reserved space) and a UTF-8 file holding
 * invalid bytes stop the file with an error naming the column or byte: the connector
 * turns it into one reject for the file, never a silently changed row.
 */

export class CsvFileError extends Error {}

function checkedHeader(header: string[]): string[] {
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    const col = i + 1;
    if (seen.has(name)) throw new CsvFileError(`duplicate column ${JSON.stringify(name)} in the header (columns ${seen.get(name)} and ${col}): each field needs its own name`);
    seen.set(name, col);
    if (name === '__proto__' || name.includes('\u0000')) throw new CsvFileError(`column ${col} ${JSON.stringify(name)} cannot be stored as a field name`);
    if (isReservedKey(name)) throw new CsvFileError(`column ${col} ${JSON.stringify(name)} is in proofline's reserved space (_ab_*, _pl_*, _raw, _proofline_error): rename it`);
  });
  return header;
}

/** Passes UTF-8 bytes through unchanged, failing at the first invalid sequence instead of letting it become U+FFFD. */
function strictUtf8(): Transform {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        decoder.decode(chunk, { stream: true });
      } catch {
        return done(new CsvFileError(`not valid UTF-8 (in bytes ${offset}–${offset + chunk.length}); set csv.encoding if the file is latin1`));
      }
      offset += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      try {
        decoder.decode();
        done();
      } catch {
        done(new CsvFileError('not valid UTF-8 (a truncated sequence at the end of the file)'));
      }
    },
  });
}

export interface CsvOptions {
  delimiter: string;
  quote: string;
  encoding: BufferEncoding;
  bom: boolean;
}

export async function* readCsv(input: Readable, rel: string, options: CsvOptions): AsyncGenerator<JsonObject> {
  const skipped: JsonObject[] = [];
  const bytes = options.encoding === 'utf8' ? input.pipe(strictUtf8()) : input;
  if (bytes !== input) input.on('error', (e) => bytes.destroy(e));
  const parser = bytes.pipe(
    parse({
      encoding: options.encoding,
      columns: checkedHeader,
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
  if (bytes !== input) bytes.on('error', (e) => parser.destroy(e));
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
