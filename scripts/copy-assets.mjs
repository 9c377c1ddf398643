// tsc emits only JavaScript: copy the files read at run time next to the code that reads
// them (the dashboard's assets, JSON schemas), from src/ to the same place under dist/.
import { cpSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

function copyAssets(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) copyAssets(path);
    else if (!path.endsWith('.ts')) cpSync(path, join(dist, relative(src, path)));
  }
}

copyAssets(src);
