import type { Document, MongoClient } from 'mongodb';
import type { PipelineConfig } from '../config/load.js';
import { endpointsOf, type Endpoint } from '../checks/endpoints.js';
import type { CheckSession } from '../checks/check-session.js';
import type { Capabilities } from '../store/capabilities.js';
import { capabilitiesOf } from '../store/capability-cache.js';
import { filterServerLog, isNotable, type FilteredLog, type ServerLogLine } from '../monitor/server-log.js';
import { errorMessage } from '../errors.js';
import { redactText } from '../common/redact.js';

/**
 * The environment section of the evidence: for each configured member, what answers
 * there (server version and flavour, its role in the topology), what it supports (the
 * capability probe, the one place that asks the server), and an excerpt of its log.
 * A member that cannot be reached is reported as such, with the classified error.
 */

export interface LogExcerpt {
  /** false with `detail` when the server has no getLog (or it failed). */
  supported: boolean;
  detail?: string;
  /** How many lines the server returned. */
  scanned: number;
  /** How many of them proofline itself caused (left out of the excerpt), in total and by reason. */
  filtered: number;
  leftOut: FilteredLog['leftOut'];
  /** Kept lines that are warnings, errors or slow operations (notable holds the newest NOTABLE_LIMIT). */
  notableTotal: number;
  /** Warnings, errors and slow operations, newest first. */
  notable: ServerLogLine[];
  /** When nothing is notable, the last few lines, so the excerpt is never an empty claim. */
  tail: ServerLogLine[];
}

export interface MemberEnvironment {
  label: string;
  role: Endpoint['role'];
  host: string;
  reachable: boolean;
  error?: string;
  connectMs: number;
  hello?: { isWritablePrimary: boolean; secondary: boolean; setName: string | null; hosts: string[]; primary: string | null };
  capabilities?: Capabilities;
  log?: LogExcerpt;
}

export interface EnvironmentReport {
  members: MemberEnvironment[];
  /** One line: "primary + 1 replica, FerretDB 1.24.2 (MongoDB 7.0.77 wire)". */
  topology: string;
}

const NOTABLE_LIMIT = 30;
const TAIL_LIMIT = 8;

async function logExcerpt(client: MongoClient, caps: Capabilities): Promise<LogExcerpt> {
  const none = { scanned: 0, filtered: 0, leftOut: {}, notableTotal: 0, notable: [], tail: [] };
  if (!caps.getLog.supported) return { supported: false, detail: caps.getLog.detail, ...none };
  try {
    const r = (await client.db('admin').command({ getLog: 'global' })) as Document;
    const raw = (Array.isArray(r.log) ? (r.log as unknown[]) : []).map(String);
    const { kept, leftOut, scanned } = filterServerLog(raw, caps.provokedErrors ?? []);
    const notable = kept.filter(isNotable);
    const filtered = Object.values(leftOut).reduce((a, n) => a + n, 0);
    return { supported: true, scanned, filtered, leftOut, notableTotal: notable.length, notable: notable.slice(-NOTABLE_LIMIT).reverse(), tail: notable.length ? [] : kept.slice(-TAIL_LIMIT).reverse() };
  } catch (e) {
    return { supported: false, detail: redactText(errorMessage(e)), ...none };
  }
}

async function describeMember(endpoint: Endpoint, session: CheckSession): Promise<MemberEnvironment> {
  const base = { label: endpoint.label, role: endpoint.role, host: endpoint.host };
  const c = await session.member(endpoint);
  if (!c.ok) return { ...base, reachable: false, connectMs: c.connectMs, error: `[${c.error.code}] ${redactText(c.error.message)}` };
  try {
    const h = (await c.client.db('admin').command({ hello: 1 })) as Document;
    const capabilities = await capabilitiesOf(c.client, endpoint.uri, { scratchDb: '_proofline_probe' });
    return {
      ...base,
      reachable: true,
      connectMs: c.connectMs,
      hello: {
        isWritablePrimary: Boolean(h.isWritablePrimary ?? h.ismaster),
        secondary: Boolean(h.secondary),
        setName: typeof h.setName === 'string' ? h.setName : null,
        hosts: Array.isArray(h.hosts) ? (h.hosts as string[]) : [],
        primary: typeof h.primary === 'string' ? h.primary : null,
      },
      capabilities,
      log: await logExcerpt(c.client, capabilities),
    };
  } catch (e) {
    return { ...base, reachable: false, connectMs: c.connectMs, error: redactText(errorMessage(e)) };
  }
}

export function describeTopology(members: MemberEnvironment[]): string {
  const replicas = members.filter((m) => m.role === 'replica').length;
  const down = members.filter((m) => !m.reachable).map((m) => m.label);
  const server = members.find((m) => m.capabilities)?.capabilities?.server;
  const set = members.find((m) => m.hello?.setName)?.hello?.setName;
  const parts = [`primary + ${replicas} replica${replicas === 1 ? '' : 's'}`];
  if (set) parts.push(`replica set ${set}`);
  if (server) parts.push(`${server.flavor}, version ${server.version}, wire ${server.maxWireVersion ?? '?'}`);
  if (down.length) parts.push(`unreachable: ${down.join(', ')}`);
  return parts.join('; ');
}

/** `session`: the report's, shared with its checks; a member they found down is not waited for again. */
export async function collectEnvironment(config: PipelineConfig, session: CheckSession): Promise<EnvironmentReport> {
  const members: MemberEnvironment[] = [];
  // One at a time: the probe writes a scratch collection on the primary, and a report
  // is not a load test.
  for (const endpoint of endpointsOf(config)) members.push(await describeMember(endpoint, session));
  return { members, topology: describeTopology(members) };
}
