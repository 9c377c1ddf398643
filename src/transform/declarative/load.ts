import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createAjv } from '../../common/ajv.js';
import { describeSchemaErrors } from '../../common/schema-errors.js';
import { compileMapping, type CompiledMapping, type ReferenceData } from './compile.js';
import { mappingDeclarationSchema, type MappingDeclaration } from './spec.js';

/**
 * A stream's `mapping:` when it is a declaration: inline (an object) or the path of a YAML
 * or JSON file relative to the config. Returns the compiled mapping or the problems, each
 * naming the field (the caller prefixes the stream and exits 2).
 */

const validate = createAjv({ allErrors: true, verbose: true }).compile(mappingDeclarationSchema);

export function isMappingFile(spec: string): boolean {
  return /\.(ya?ml|json)$/i.test(spec);
}

function readStructured(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'), { uniqueKeys: true });
}

function references(decl: MappingDeclaration, dir: string, problems: string[]): ReferenceData {
  const out: ReferenceData = {};
  for (const [name, t] of Object.entries(decl.reference ?? {})) {
    let rows = t.rows;
    if (t.file !== undefined) {
      try {
        rows = readStructured(resolve(dir, t.file)) as Record<string, unknown>[];
      } catch (e) {
        problems.push(`reference.${name}.file: cannot read ${t.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        continue;
      }
    }
    if (!Array.isArray(rows)) {
      problems.push(`reference.${name}: needs rows (inline, or a file holding a list of rows)`);
      continue;
    }
    const table = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      const key = row?.[t.key];
      if (key === undefined || key === null) problems.push(`reference.${name}: a row has no "${t.key}"`);
      else table.set(String(key), row);
    }
    out[name] = table;
  }
  return out;
}

export function loadMapping(spec: string | object, baseDir: string): { mapping?: CompiledMapping; problems: string[] } {
  let raw: unknown = spec;
  let dir = baseDir;
  if (typeof spec === 'string') {
    const file = resolve(baseDir, spec);
    dir = dirname(file);
    try {
      raw = readStructured(file);
    } catch (e) {
      return { problems: [`cannot read mapping file ${spec}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`] };
    }
  }
  if (!validate(raw)) return { problems: describeSchemaErrors(validate.errors) };
  const decl = raw as MappingDeclaration;
  const problems: string[] = [];
  const refs = references(decl, dir, problems);
  const { mapping, problems: more } = compileMapping(decl, refs);
  problems.push(...more);
  return problems.length ? { problems } : { mapping, problems };
}
