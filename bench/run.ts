/**
 * `npm run bench [-- NAME...]`: run every benchmark in bench/, or the named ones.
 * A benchmark is a bench/*.ts script that exports nothing (modules that export are
 * shared helpers, e.g. weather-docs.ts). Each runs in its own process, one after the
 * other, so one's memory or open handles never colour another's figures.
 *
 *   npm run bench                 all of them
 *   npm run bench -- ingest       bench/ingest.ts only (extra args after `--` go to it)
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const DIR = import.meta.dirname;

const benches = readdirSync(DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.d.ts'))
  .filter((f) => !/^export\s/m.test(readFileSync(join(DIR, f), 'utf8')))
  .map((f) => basename(f, '.ts'))
  .sort();

const args = process.argv.slice(2);
const named = args.filter((a) => benches.includes(a));
const unknown = args.filter((a) => !a.startsWith('-') && !benches.includes(a) && !/^\d/.test(a));
if (unknown.length && !named.length) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}: expected one of ${benches.join(', ')}\n`);
  process.exit(2);
}
const selected = named.length ? named : benches;
const extra = named.length ? args.filter((a) => !named.includes(a)) : [];

let failed = 0;
for (const name of selected) {
  process.stdout.write(`\n=== bench: ${name} ===\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(DIR, `${name}.ts`), ...extra], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed += 1;
    process.stdout.write(`bench ${name} exited with ${r.status ?? r.signal}\n`);
  }
}
process.exit(failed ? 1 : 0);
