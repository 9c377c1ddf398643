import type { QualityRule } from '../config/checks.js';

/**
 * How the quality check reads a collection at scale, as pure functions over the rules
 * and the collection's index list (unit-tested without a server):
 * - the projection of only the fields the streamed rules read, so a 1M-document pass
 *   moves a few numbers per document instead of the whole document;
 * - whether a duplicates rule is already answered by a unique index on its key (the
 *   server refuses a second document with the same key, so there is nothing to count).
 */

/** The fields a rule reads from each document when it is evaluated in the stream. */
export function fieldsOf(rule: QualityRule): string[] {
  switch (rule.type) {
    case 'null_rate':
    case 'range':
    case 'freshness':
      return [rule.field];
    case 'cross_field':
      return [rule.left, rule.right];
    case 'volume':
      return [rule.time_field, rule.source_field];
    case 'duplicates':
      return [...rule.key];
  }
}

/**
 * A find projection of these paths. A path under another one already projected is left
 * out: MongoDB rejects `{a: 1, 'a.b': 1}` as a path collision, and `a` carries `a.b`.
 */
export function projectionOf(paths: readonly string[]): Record<string, 1> {
  const sorted = [...new Set(paths)].sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const p of sorted) if (!kept.some((k) => p.startsWith(`${k}.`))) kept.push(p);
  return Object.fromEntries(kept.sort().map((p) => [p, 1 as const]));
}

export interface IndexInfo {
  name?: string;
  key: Record<string, unknown>;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: unknown;
}

/**
 * The name of a unique index whose key is exactly these fields (in any order), over every
 * document (not sparse, not partial: those let documents without the key repeat), or null.
 */
export function uniqueIndexOn(indexes: readonly IndexInfo[], key: readonly string[]): string | null {
  const want = [...key].sort().join('\0');
  for (const ix of indexes) {
    if (!ix.unique || ix.sparse || ix.partialFilterExpression) continue;
    if (Object.keys(ix.key).sort().join('\0') === want) return ix.name ?? Object.keys(ix.key).join('_');
  }
  return null;
}

/** Documents per second of a pass, rounded; null when nothing was read or no time passed. */
export function docsPerSecond(documents: number, ms: number): number | null {
  if (documents <= 0 || ms <= 0) return null;
  return Math.round((documents * 1000) / ms);
}
