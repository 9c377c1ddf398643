import type { Document, MongoClient } from 'mongodb';
import { redactText } from '../common/redact.js';

/**
 * Recent server log lines worth an operator's eye (warnings, errors, slow operations),
 * from `getLog: 'global'`. MongoDB writes structured JSON lines (`s: "W"`, `msg: "Slow
 * query"`); FerretDB writes `{"l":"WARN","msg":...}`; older servers plain text. Only
 * called when the capability probe found getLog answering.
 */

export interface ServerLogLine {
  at: string | null;
  severity: string;
  message: string;
  slow: boolean;
}

const MAX_MESSAGE = 400;
const NOTABLE = /^(W|E|F|WARN|WARNING|ERROR|FATAL|DPANIC|PANIC)$/i;

export function parseLogLine(raw: string): ServerLogLine {
  try {
    const j = JSON.parse(raw) as { t?: { $date?: string } | string; s?: string; l?: string; msg?: string; attr?: { durationMillis?: number } };
    const at = typeof j.t === 'string' ? j.t : (j.t?.$date ?? null);
    const msg = String(j.msg ?? raw);
    const slow = /slow (query|operation)/i.test(msg) || typeof j.attr?.durationMillis === 'number';
    const detail = slow && typeof j.attr?.durationMillis === 'number' ? ` (${j.attr.durationMillis} ms)` : '';
    return { at, severity: String(j.s ?? j.l ?? 'I'), message: redactText(msg + detail).slice(0, MAX_MESSAGE), slow };
  } catch {
    return { at: null, severity: /\bW\b|warn/i.test(raw) ? 'W' : 'I', message: redactText(raw).slice(0, MAX_MESSAGE), slow: /slow/i.test(raw) };
  }
}

export function isNotable(line: ServerLogLine): boolean {
  return line.slow || NOTABLE.test(line.severity);
}

export async function collectServerLog(client: MongoClient, limit: number): Promise<ServerLogLine[]> {
  const r = (await client.db('admin').command({ getLog: 'global' })) as Document;
  const lines = Array.isArray(r.log) ? (r.log as unknown[]).map((l) => parseLogLine(String(l))) : [];
  return lines.filter(isNotable).slice(-limit).reverse();
}
