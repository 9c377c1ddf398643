import type { Db, Document } from 'mongodb';
import { quantileSorted } from 'simple-statistics';
import { configPath, type PipelineConfig } from '../config/load.js';
import { loadSchema } from '../model/schema.js';
import { errorMessage } from '../errors.js';
import { redactText } from '../common/redact.js';

/**
 * The data profile of the evidence (collection only; rendering is in profile-section.ts):
 * per collection and source, documents per day, and per numeric field the null rate,
 * min / quantiles / max and a histogram. Volume per day is asked of the server with
 * $group where it can; otherwise, and for the field statistics, one streamed pass with a
 * projection of just the profiled fields. Values kept per (source, field) are capped, so
 * quantiles are exact up to RESERVOIR documents and a uniform sample beyond.
 */

export interface FieldProfile {
  field: string;
  source: string;
  documents: number;
  nulls: number;
  null_rate: number;
  min: number | null;
  max: number | null;
  quantiles: { p05: number; p25: number; p50: number; p75: number; p95: number } | null;
  histogram: { from: number; to: number; count: number }[];
}

export interface CollectionProfile {
  collection: string;
  timeField: string | null;
  documents: number;
  volume: { source: string; day: string; count: number }[];
  volumeMethod: string;
  fields: FieldProfile[];
  fieldsMethod: string;
  error?: string;
}

const RESERVOIR = 10_000;
const BINS = 12;

interface Acc {
  documents: number;
  nulls: number;
  values: number[];
  seen: number;
}

function numericFields(schema: Record<string, unknown>): { numbers: string[]; time: string | null } {
  const props = (schema.properties ?? {}) as Record<string, { type?: string | string[]; format?: string; bsonType?: string | string[] }>;
  const has = (t: string | string[] | undefined, want: string[]) => [t].flat().some((x) => x !== undefined && want.includes(x));
  const numbers = Object.entries(props)
    .filter(([k, p]) => !k.startsWith('_') && (has(p.type, ['number', 'integer']) || has(p.bsonType, ['double', 'int', 'long', 'decimal'])))
    .map(([k]) => k);
  const time = Object.entries(props).find(([, p]) => p.format === 'date-time' || has(p.bsonType, ['date']))?.[0] ?? null;
  return { numbers, time };
}

function histogram(sorted: number[]): FieldProfile['histogram'] {
  if (!sorted.length) return [];
  const lo = sorted[0]!;
  const hi = sorted.at(-1)!;
  if (lo === hi) return [{ from: lo, to: hi, count: sorted.length }];
  const w = (hi - lo) / BINS;
  const bins = Array.from({ length: BINS }, (_, i) => ({ from: lo + i * w, to: lo + (i + 1) * w, count: 0 }));
  for (const v of sorted) bins[Math.min(BINS - 1, Math.floor((v - lo) / w))]!.count++;
  return bins;
}

function finish(field: string, source: string, a: Acc): FieldProfile {
  const sorted = a.values.sort((x, y) => x - y);
  const q = (p: number) => quantileSorted(sorted, p);
  return {
    field,
    source,
    documents: a.documents,
    nulls: a.nulls,
    null_rate: a.documents ? a.nulls / a.documents : 0,
    min: sorted.length ? sorted[0]! : null,
    max: sorted.length ? sorted.at(-1)! : null,
    quantiles: sorted.length ? { p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) } : null,
    histogram: histogram(sorted),
  };
}

const dayOf = (v: unknown): string | null => {
  const t = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : null;
};

/** Every day between the first and the last, so a day without documents shows as 0. */
function withGaps(counts: Map<string, number>): CollectionProfile['volume'] {
  const out: CollectionProfile['volume'] = [];
  const keys = [...counts.keys()].map((k) => k.split('|') as [string, string]);
  const days = keys.map(([, d]) => d).sort();
  if (!days.length) return out;
  const sources = [...new Set(keys.map(([s]) => s))].sort();
  for (let t = Date.parse(days[0]!); t <= Date.parse(days.at(-1)!); t += 86_400_000) {
    const day = new Date(t).toISOString().slice(0, 10);
    for (const s of sources) out.push({ source: s, day, count: counts.get(`${s}|${day}`) ?? 0 });
  }
  return out;
}

async function serverVolume(db: Db, collection: string, sourceField: string, timeField: string): Promise<Map<string, number>> {
  const rows = await db
    .collection(collection)
    .aggregate([{ $group: { _id: { s: `$${sourceField}`, d: { $dateToString: { format: '%Y-%m-%d', date: `$${timeField}` } } }, n: { $sum: 1 } } }])
    .toArray();
  return new Map(rows.map((r) => [`${String((r._id as Document).s ?? '(none)')}|${String((r._id as Document).d)}`, Number(r.n)]));
}

async function profileCollection(db: Db, collection: string, schemaFile: string, sourceField: string): Promise<CollectionProfile> {
  const { numbers, time } = numericFields(loadSchema(schemaFile));
  const acc = new Map<string, Acc>();
  const streamed = new Map<string, number>();
  let documents = 0;
  const projection = Object.fromEntries([...numbers, sourceField, ...(time ? [time] : [])].map((f) => [f, 1]));
  for await (const doc of db.collection(collection).find({}, { projection }).batchSize(1000)) {
    documents++;
    const source = typeof doc[sourceField] === 'string' ? (doc[sourceField] as string) : '(none)';
    const day = time ? dayOf(doc[time]) : null;
    if (day) streamed.set(`${source}|${day}`, (streamed.get(`${source}|${day}`) ?? 0) + 1);
    for (const f of numbers) {
      const key = `${source}|${f}`;
      const a = acc.get(key) ?? { documents: 0, nulls: 0, values: [], seen: 0 };
      acc.set(key, a);
      a.documents++;
      const v = doc[f];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        a.nulls++;
        continue;
      }
      // Reservoir sampling (Algorithm R): memory stays bounded on any collection size.
      a.seen++;
      if (a.values.length < RESERVOIR) a.values.push(v);
      else {
        const j = Math.floor(Math.random() * a.seen);
        if (j < RESERVOIR) a.values[j] = v;
      }
    }
  }
  let volume = streamed;
  let volumeMethod = time ? `streamed: documents per UTC day of ${time}` : 'no date-time field in the schema: no volume per day';
  if (time) {
    try {
      volume = await serverVolume(db, collection, sourceField, time);
      volumeMethod = `server-side $group by ${sourceField} and UTC day of ${time}`;
    } catch (e) {
      volumeMethod = `streamed: documents per UTC day of ${time} (server-side $group failed: ${redactText(errorMessage(e)).split('\n')[0]})`;
    }
  }
  const fields = [...acc].map(([key, a]) => {
    const [source, field] = key.split('|') as [string, string];
    return finish(field, source, a);
  });
  return { collection, timeField: time, documents, volume: withGaps(volume), volumeMethod, fields, fieldsMethod: `streamed with a projection of ${numbers.length} numeric field(s)` };
}

export async function collectProfile(db: Db, config: PipelineConfig): Promise<CollectionProfile[]> {
  const out: CollectionProfile[] = [];
  for (const target of config.checks.schema.collections) {
    try {
      out.push(await profileCollection(db, target.collection, configPath(config, target.schema), config.checks.schema.source_field));
    } catch (e) {
      out.push({ collection: target.collection, timeField: null, documents: 0, volume: [], volumeMethod: '', fields: [], fieldsMethod: '', error: redactText(errorMessage(e)) });
    }
  }
  return out;
}
