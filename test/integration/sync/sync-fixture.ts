import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig, type PipelineConfig } from '../../../src/config/load.js';
import { stackUris, uniqueDb, writePipelineYaml } from '../../helpers.js';

/** A scratch pipeline over the `files` source: JSONL observations, a small target schema. */

export interface Obs {
  station: string;
  seq: number;
  temp: number | string | null;
}

export const obsSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['station', 'seq', 'temp', '_proofline'],
  properties: {
    _id: {},
    station: { type: 'string', minLength: 1 },
    seq: { type: 'integer', minimum: 0 },
    temp: { type: ['number', 'null'], minimum: -60, maximum: 60 },
    _proofline: { type: 'object' },
  },
};

export function observations(n: number, stations = 5, start = 0): Obs[] {
  return Array.from({ length: n }, (_, i) => ({ station: `S${(start + i) % stations}`, seq: start + i, temp: ((start + i) % 40) - 5 }));
}

export interface Fixture {
  dir: string;
  database: string;
  writeFile: (name: string, rows: unknown[]) => void;
  config: (stream: Record<string, unknown>) => PipelineConfig;
  configFile: (stream: Record<string, unknown>) => string;
}

export function fixture(prefix: string): Fixture {
  const dir = mkdtempSync(join(tmpdir(), `pl-sync-${prefix}-`));
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'obs.schema.json'), JSON.stringify(obsSchema));
  const database = uniqueDb(prefix);
  const raw = (stream: Record<string, unknown>): Record<string, unknown> => ({
    name: `p_${prefix}`,
    mongodb: { uri: stackUris().primary, database },
    streams: [
      {
        name: 'obs',
        source: { type: 'files', path: 'data', format: 'jsonl', stream: 'obs' },
        mapping: 'identity',
        destination: { collection: 'obs', schema: 'obs.schema.json', primary_key: ['station', 'seq'], indexes: [['seq']] },
        batch_size: 50,
        ...stream,
      },
    ],
  });
  return {
    dir,
    database,
    writeFile: (name, rows) => writeFileSync(join(dir, 'data', name), rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n'),
    config: (stream) => parseConfig(raw(stream), join(dir, 'pipeline.yaml'), {}),
    configFile: (stream) => writePipelineYaml(raw(stream), join(dir, 'pipeline.yaml')),
  };
}

export function expectBalanced(streams: Array<{ read: number; inserted: number; updated: number; unchanged: number; duplicate: number; rejected: number }>): void {
  for (const s of streams) {
    if (s.read !== s.inserted + s.updated + s.unchanged + s.duplicate + s.rejected) throw new Error(`unbalanced counts: ${JSON.stringify(s)}`);
  }
}
