/**
 * Schema validation throughput: proofline's validator (JSON view + compiled Ajv) on N
 * generated documents (default 1,000,000, in chunks so memory stays flat), and in the
 * same run Python's jsonschema on the first M of the same documents (default 100,000:
 * Python is slower, so the comparison is per-document rate, not total time).
 *
 *   node --import tsx bench/schema-validate.ts [--n 1000000] [--py-n 100000]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { compileValidator, loadSchema, toJsonView } from '../src/model/schema.js';
import { makeDocGenerator } from './weather-docs.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const N = arg('n', 1_000_000);
const PY_N = Math.min(N, arg('py-n', 100_000));
const CHUNK = 10_000;
const ROOT = resolve(import.meta.dirname, '..');
const SCHEMA = join(ROOT, 'examples/weather/schemas/hourly_measurements.json');
const PYTHON = join(ROOT, '.venv/bin/python');

const validate = compileValidator(loadSchema(SCHEMA));
const gen = makeDocGenerator(42);
const tmp = mkdtempSync(join(tmpdir(), 'proofline-bench-'));
const jsonl = join(tmp, 'docs.jsonl');

let validateNs = 0n;
let viewNs = 0n;
let invalid = 0;
let invalidPySubset = 0;
const lines: string[] = [];
for (let base = 0; base < N; base += CHUNK) {
  const docs = Array.from({ length: Math.min(CHUNK, N - base) }, (_, k) => gen(base + k));
  let t = process.hrtime.bigint();
  const views = docs.map((d) => toJsonView(d));
  viewNs += process.hrtime.bigint() - t;
  t = process.hrtime.bigint();
  for (const v of views) if (validate(v).length) invalid++;
  validateNs += process.hrtime.bigint() - t;
  if (base < PY_N) {
    const keep = views.slice(0, PY_N - base);
    for (const v of keep) {
      lines.push(JSON.stringify(v));
      if (validate(v).length) invalidPySubset++;
    }
  }
}
writeFileSync(jsonl, `${lines.join('\n')}\n`);
lines.length = 0;

const secs = (ns: bigint) => Number(ns) / 1e9;
const jsRate = N / secs(validateNs);
const jsRateWithView = N / (secs(validateNs) + secs(viewNs));
const py = JSON.parse(execFileSync(PYTHON, [join(ROOT, 'bench/py/validate_jsonschema.py'), SCHEMA, jsonl], { encoding: 'utf8', maxBuffer: 1 << 20 })) as {
  documents: number;
  invalid: number;
  seconds: number;
  docs_per_second: number;
  date_time_format_checked: boolean;
};
rmSync(tmp, { recursive: true, force: true });

const f = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`schema validation benchmark — examples/weather/schemas/hourly_measurements.json (draft-07)`);
console.log(`proofline (Ajv)        ${f(N)} docs, ${invalid} invalid, validate ${secs(validateNs).toFixed(2)} s → ${f(jsRate)} docs/s`);
console.log(`proofline (view+Ajv)   BSON→JSON view + validate → ${f(jsRateWithView)} docs/s`);
console.log(`python jsonschema ${'4.x'.padEnd(5)} ${f(py.documents)} docs, ${py.invalid} invalid, validate ${py.seconds.toFixed(2)} s → ${f(py.docs_per_second)} docs/s` +
  `${py.date_time_format_checked ? '' : ' (date-time format NOT checked: rfc3339-validator not installed)'}`);
console.log(`ratio proofline/python: ${(jsRate / py.docs_per_second).toFixed(1)}x (validate only), ${(jsRateWithView / py.docs_per_second).toFixed(1)}x (with JSON view); per-document rates, python on the first ${f(PY_N)} of the same documents`);
console.log(`agreement on those ${f(PY_N)} documents: proofline ${invalidPySubset} invalid, python ${py.invalid} invalid → ${invalidPySubset === py.invalid ? 'same' : 'DIFFERENT'}`);
