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

export interface ServerLogPanel {
  lines: ServerLogLine[];
  scanned: number;
  /** Warning/error/slow lines after filtering (lines holds the newest `limit` of them). */
  notable: number;
  leftOut: FilteredLog['leftOut'];
}

/** The newest notable lines, without what proofline's own probes and connections caused, with the counts. */
export async function collectServerLog(client: MongoClient, limit: number, provokedErrors: string[] = []): Promise<ServerLogPanel> {
  const r = (await client.db('admin').command({ getLog: 'global' })) as Document;
  const raw = Array.isArray(r.log) ? (r.log as unknown[]).map(String) : [];
  const f = filterServerLog(raw, provokedErrors);
  const notable = f.kept.filter(isNotable);
  return { lines: notable.slice(-limit).reverse(), scanned: f.scanned, notable: notable.length, leftOut: f.leftOut };
}

// Failed replies a driver session provokes on servers without sessions/transactions
// (every proofline client close, and the probe's aborted transaction): not a finding.
const HOUSEKEEPING = ["no such command: 'endSessions'", "no such command: 'abortTransaction'"];
// Probes proofline sends on purpose outside the capability probe: the sync's
// renameCollection dropTarget probe (src/store/capabilities.ts probeRenameDropTarget), and
// the monitor's history asking for a TTL index before it falls back to pruning itself
// (src/monitor/history.ts).
const OTHER_PROBES = [/^renameCollection: .*dropTarget/, /^Index option "expireAfterSeconds" is not implemented yet/];
// FerretDB logs every client disconnect as a WARN; proofline's checks and probes open and
// close a connection each, so these lines say nothing about the server's health.
const CONNECTION_CLOSE = /^Connection stopped\b/;

export const LEFT_OUT_REASONS = Object.freeze({
  probe: "failed replies to proofline's own capability probes (commands this server does not support, sent on purpose)",
  housekeeping: "the driver's session housekeeping this server does not support (endSessions, abortTransaction)",
  connection: "client disconnects (FerretDB logs each one as a warning; proofline's checks open and close their own connections)",
} as const);
export type LeftOutReason = keyof typeof LEFT_OUT_REASONS;

// Go pointers in FerretDB's messages differ from one reply to the next.
const normalize = (m: string): string => m.replace(/0x[0-9a-f]+/gi, '0x…').trim();

/** The errmsg of a logged failed reply (FerretDB logs "Response message:" with the reply document). */
export function loggedErrmsg(raw: string): string | null {
  let msg = raw;
  try {
    msg = String((JSON.parse(raw) as { msg?: unknown }).msg ?? raw);
  } catch {
    // plain-text line: search it as is
  }
  const m = /"errmsg": "((?:[^"\\]|\\.)*)"/.exec(msg);
  if (!m) return null;
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return m[1]!;
  }
}

export interface FilteredLog {
  /** Lines the server returned. */
  scanned: number;
  /** Lines kept, oldest first. */
  kept: ServerLogLine[];
  /** Lines left out, by reason; scanned = kept + the sum of these. */
  leftOut: Partial<Record<LeftOutReason, number>>;
}

/**
 * Drops the log lines proofline itself caused. FerretDB logs each failed reply as a
 * "Response header" WARN followed by a "Response message" WARN carrying the errmsg, with
 * no client name or namespace, so the reliable marker is the errmsg itself, compared
 * with the errors the probe saw (`provokedErrors`); the header goes with its message.
 */
export function filterServerLog(raw: string[], provokedErrors: string[] = []): FilteredLog {
  const own = new Set(provokedErrors.map(normalize));
  const chores = new Set(HOUSEKEEPING.map(normalize));
  const reasonOf = new Map<number, LeftOutReason>();
  raw.forEach((line, i) => {
    const errmsg = loggedErrmsg(line);
    let reason: LeftOutReason | null = null;
    if (errmsg !== null && chores.has(normalize(errmsg))) reason = 'housekeeping';
    else if (errmsg !== null && (own.has(normalize(errmsg)) || OTHER_PROBES.some((re) => re.test(errmsg)))) reason = 'probe';
    else if (CONNECTION_CLOSE.test(parseLogLine(line).message)) reason = 'connection';
    if (!reason) return;
    reasonOf.set(i, reason);
    if (reason !== 'connection' && i > 0 && raw[i - 1]!.includes('Response header')) reasonOf.set(i - 1, reason);
  });
  const leftOut: FilteredLog['leftOut'] = {};
  for (const r of reasonOf.values()) leftOut[r] = (leftOut[r] ?? 0) + 1;
  return { scanned: raw.length, kept: raw.filter((_, i) => !reasonOf.has(i)).map(parseLogLine), leftOut };
}

/** "12 left out: 8 failed replies to …; 4 client disconnects (…)". */
export function leftOutText(leftOut: FilteredLog['leftOut']): string {
  const parts = (Object.keys(LEFT_OUT_REASONS) as LeftOutReason[]).filter((r) => (leftOut[r] ?? 0) > 0).map((r) => `${leftOut[r]} ${LEFT_OUT_REASONS[r]}`);
  return parts.join('; ');
}
