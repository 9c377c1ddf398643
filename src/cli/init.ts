import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { isValidZone } from '../common/time.js';
import { inferStream } from '../init/infer-stream.js';
import { sampleFile } from '../init/sample-file.js';
import { schemaJson, starterPipelineYaml, streamNameOf, type StarterStream } from '../init/starter-pipeline.js';

/**
 * `proofline init --from FILE... [--out pipeline.yaml] [--name NAME] [--timezone ZONE] [--force]`:
 * sample each file (CSV, JSONL, Airbyte raw JSONL, xlsx) and write a starter pipeline (a
 * typed mapping per stream) plus one inferred JSON Schema per stream under `schemas/`.
 * Exit 0 written; 2 bad usage (a missing input, an unknown zone, an existing output
 * without --force).
 */

/** This machine's IANA zone: where local date-times are assumed written unless --timezone says otherwise. */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export async function initPipeline(o: { from: string[]; out: string; name?: string; force?: boolean; uri?: string; timezone?: string }): Promise<{ pipeline: string; schemas: string[]; streams: StarterStream[] }> {
  const out = resolve(o.out);
  const zone = o.timezone ?? machineZone();
  if (!isValidZone(zone)) throw new UsageError(`init: --timezone ${zone} is not an IANA time zone (e.g. Europe/Paris, UTC)`);
  const outDir = dirname(out);
  for (const f of o.from) if (!existsSync(f)) throw new UsageError(`init: input file ${f} does not exist`);
  if (existsSync(out) && !o.force) throw new UsageError(`init: ${o.out} exists; pass --force to overwrite it`);
  const taken = new Set<string>();
  const streams: StarterStream[] = [];
  for (const file of o.from) {
    const sample = await sampleFile(resolve(file));
    const name = streamNameOf(file, taken);
    streams.push({ name, sample, inferred: await inferStream(sample, name, zone), schemaFile: `schemas/${name}.schema.json`, zone: { name: zone, given: o.timezone !== undefined } });
  }
  mkdirSync(join(outDir, 'schemas'), { recursive: true });
  const schemas = streams.map((s) => {
    const path = join(outDir, s.schemaFile);
    if (existsSync(path) && !o.force) throw new UsageError(`init: ${path} exists; pass --force to overwrite it`);
    writeFileSync(path, schemaJson(s.inferred.schema));
    return path;
  });
  const name = o.name ?? streams[0]?.name ?? 'pipeline';
  writeFileSync(out, starterPipelineYaml({ name, files: o.from, streams, outDir, uri: o.uri ?? process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/', now: new Date() }));
  return { pipeline: out, schemas, streams };
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('sample input files (CSV, JSONL, Airbyte raw JSONL, xlsx) and write a starter pipeline with inferred schemas')
    .requiredOption('--from <file...>', 'input files to sample')
    .option('-o, --out <file>', 'pipeline file to write', 'pipeline.yaml')
    .option('--name <name>', 'pipeline (and database) name; default: the first stream')
    .option('--timezone <zone>', "IANA zone local date-times were written in; default: this machine's")
    .option('--force', 'overwrite existing files')
    .action(async (opts: { from: string[]; out: string; name?: string; force?: boolean; timezone?: string }) => {
      const r = await initPipeline(opts);
      for (const s of r.streams) {
        const key = s.inferred.keys[0];
        process.stdout.write(
          `stream ${s.name}: ${s.sample.records.length} record(s) sampled from ${s.sample.format}, ${s.inferred.columns.length} column(s), primary key ${key ? key.fields.join(' + ') : 'none found'}, ${s.inferred.notes.length} note(s) to check\n`,
        );
      }
      process.stdout.write(`wrote ${r.pipeline} and ${r.schemas.length} schema(s); next: proofline sync --config ${opts.out}\n`);
    });
}
