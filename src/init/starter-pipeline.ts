import { basename, dirname, extname, relative } from 'node:path';
import type { JsonObject } from '../protocol/messages.js';
import { describeParse } from './column-guess.js';
import type { InferredStream } from './infer-stream.js';
import type { FileSample } from './sample-file.js';

/**
 * The starter pipeline YAML `proofline init` writes: one `files` stream per input file,
 * with what was inferred as values and what is uncertain as comments. Written as text (not
 * through a YAML serializer) so the comments sit next to the lines they are about; every
 * value is JSON, which YAML reads as is.
 */

export interface StarterStream {
  name: string;
  sample: FileSample;
  inferred: InferredStream;
  /** Schema file path, relative to the pipeline file. */
  schemaFile: string;
  /** The zone local date-times are read in, and whether the user gave it (else: this machine's). */
  zone: { name: string; given: boolean };
}

const j = (v: unknown): string => JSON.stringify(v);

export function streamNameOf(file: string, taken: Set<string>): string {
  const base = basename(file, extname(file)).replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'stream';
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

function streamYaml(s: StarterStream, outDir: string): string {
  const { sample, inferred } = s;
  const folder = relative(outDir, dirname(sample.file)) || '.';
  const format = sample.format === 'xlsx' ? 'csv' : sample.format;
  const key = inferred.keys[0];
  const lines = [
    `  - name: ${j(s.name)}`,
    `    source:`,
    `      type: files`,
    `      path: ${j(folder)}                      # folder, relative to this file`,
    `      pattern: ${j(sample.format === 'xlsx' ? basename(sample.file, extname(sample.file)) + '.csv' : basename(sample.file))}`,
    `      format: ${format}`,
    `      stream: ${j(s.name)}`,
  ];
  if (sample.format === 'xlsx') lines.push(`      # check: the files source reads CSV/JSONL: export the first sheet of ${basename(sample.file)} as CSV next to it.`);
  if (sample.delimiter && sample.delimiter !== ',') lines.push(`      csv: { delimiter: ${j(sample.delimiter)} }`);
  lines.push(`    mapping:                              # guessed from ${sample.records.length} sampled record(s); docs/mapping.md`);
  lines.push(`      fields:`);
  for (const c of inferred.columns) {
    const decl = inferred.mapping.fields[c.name as keyof typeof inferred.mapping.fields];
    lines.push(`        ${j(c.name)}: ${j(decl)}   # ${describeParse(c.parse)}${c.type !== 'any' ? ` (source type ${c.type})` : ''}`);
  }
  const local = inferred.columns.filter((c) => c.parse.parse === 'datetime' && !c.parse.offset).map((c) => c.name);
  if (local.length) {
    const why = s.zone.given ? 'as --timezone said' : "this machine's zone; init --timezone chooses another";
    lines.push(`    # check: ${local.join(', ')}: local times read in ${s.zone.name} (${why}), with its DST rules: the repeated autumn hour in file order, the missing spring hour rejected`);
  }
  for (const n of inferred.notes) lines.push(`    # ${n}`);
  lines.push(`    destination:`, `      collection: ${j(s.name)}`, `      schema: ${j(s.schemaFile)}`);
  if (key) {
    const others = inferred.keys.slice(1).map((k) => j(k.fields)).join(', ');
    lines.push(`      primary_key: ${j(key.fields)}   # ${key.repeats ? `unique but for ${key.repeats} repeat(s)` : 'unique'} in the sample${others ? `; other candidates: ${others}` : ''}`);
  }
  lines.push(`    sync_mode: full_refresh`, `    destination_sync_mode: ${key ? 'append_dedup' : 'append'}`);
  if (key && inferred.cursor) lines.push(`    cursor_field: ${j(inferred.cursor)}   # the newest version of a key wins`);
  else if (key) lines.push(`    # no cursor column found: of records sharing a key, the one read last wins`);
  lines.push(`    expected_columns:                     # schema drift is reported against these`);
  for (const c of inferred.columns) lines.push(`      ${j(c.name)}: ${c.type}`);
  lines.push(`    drift: warn                           # warn | fail | quarantine`);
  return lines.join('\n');
}

export function starterPipelineYaml(o: { name: string; files: string[]; streams: StarterStream[]; outDir: string; uri: string; now: Date }): string {
  return [
    `# Starter pipeline written by \`proofline init --from ${o.files.map((f) => basename(f)).join(' ')}\` on ${o.now.toISOString().slice(0, 10)}.`,
    `# Review the lines marked "check:", then: proofline sync --config <this file>`,
    `name: ${j(o.name)}`,
    `mongodb:`,
    `  uri: ${j(o.uri)}   # MONGODB_URI overrides it`,
    `  database: ${j(o.name)}`,
    `streams:`,
    ...o.streams.map((s) => streamYaml(s, o.outDir)),
    // The stored documents are audited against the same schemas by `proofline check schema`.
    `checks:`,
    `  schema:`,
    `    collections:`,
    ...o.streams.map((s) => `      - { collection: ${j(s.name)}, schema: ${j(s.schemaFile)} }`),
    '',
  ].join('\n');
}

export function schemaJson(schema: JsonObject): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
