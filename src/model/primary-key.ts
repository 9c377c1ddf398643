/** Reading dot-path fields and turning a primary key into a deterministic `_id`. */

export function getPath(doc: unknown, path: string): unknown {
  let cur: unknown = doc;
  for (const p of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

function part(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/**
 * The `_id` of a keyed document: its key values joined (`07015|2024-10-05T00:00:00.000Z`).
 * Deterministic ids make every write idempotent by construction and let the writer look
 * stored versions up by `_id` alone. Returns the missing fields when a part is absent.
 */
export function keyId(doc: Record<string, unknown>, primaryKey: string[]): { id: string } | { missing: string[] } {
  const missing: string[] = [];
  const parts: string[] = [];
  for (const f of primaryKey) {
    const v = getPath(doc, f);
    if (v === undefined || v === null || v === '') missing.push(f);
    else parts.push(part(v));
  }
  return missing.length ? { missing } : { id: parts.join('|') };
}

/** Order two cursor values (dates, numbers, strings); undefined/null sort first. */
export function compareCursor(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  const va = a instanceof Date ? a.getTime() : a;
  const vb = b instanceof Date ? b.getTime() : b;
  if (typeof va === 'number' && typeof vb === 'number') return va - vb;
  const sa = String(va);
  const sb = String(vb);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}
