import { compare, type CheckResult } from '../checks/result.js';
import type { Capabilities, Capability } from '../store/capabilities.js';
import type { ReportContext, ReportSection } from './context.js';
import type { EvidenceBundle } from './evidence.js';
import type { LogExcerpt, MemberEnvironment } from './environment.js';
import { leftOutText, type ServerLogLine } from '../monitor/server-log.js';
import { esc } from './escape.js';
import { figure } from './charts/render.js';
import { groupedBarSpec, seriesSpec } from './charts/specs.js';
import { consequenceOf, formatQuantity, formatThreshold, unitOf } from './format.js';
import { profileSection } from './profile-section.js';

/**
 * The sections `proofline report` adds around the check results rendered by the shared
 * HTML renderer (src/report/html.ts): thresholds, sync runs, environment, logs, history.
 * Each section carries its data for the JSON twin and an id for readers and tests.
 */

const yes = (b: boolean): string => (b ? '✓' : '✗');
const cell = (v: unknown): string => `<td>${esc(v ?? '—')}</td>`;

function thresholdsSection(checks: CheckResult[]): ReportSection {
  const rows = checks.flatMap((r) =>
    r.thresholds.map((t) => {
      const m = r.measurements[t.metric];
      const value = m?.value ?? null;
      const unit = unitOf(t.metric, m);
      const verdict = value === null ? 'no value' : compare(value, t.op, t.value) ? 'pass' : (t.severity ?? 'fail');
      return { check: r.name, metric: t.metric, threshold: formatThreshold(t, unit), consequence: consequenceOf(t), value, unit, measured: formatQuantity(value, unit), verdict };
    }),
  );
  const body = rows.length
    ? `<table class="thresholds"><tr><th>check</th><th>measurement</th><th>threshold</th><th>measured</th><th>verdict</th><th>if crossed</th></tr>${rows
        .map((r) => `<tr>${cell(r.check)}<td><code>${esc(r.metric)}</code></td>${cell(r.threshold)}${cell(r.measured)}<td class="badge ${esc(r.verdict)}">${esc(r.verdict)}</td><td class="muted">${esc(r.consequence)}</td></tr>`)
        .join('')}</table>`
    : '<p class="muted">No check declared a threshold (results taken from the monitor history carry none: run without --from-history for them).</p>';
  return { title: 'Thresholds', html: `<div id="thresholds"><p>Every threshold the checks applied, the value measured against it, and the verdict.</p>${body}</div>`, data: rows };
}

async function runsSection(bundle: EvidenceBundle): Promise<ReportSection> {
  const { runs } = bundle;
  if (!runs.length) {
    const why = bundle.runsError ? `could not read the runs: ${bundle.runsError}` : 'no sync run is recorded in _proofline_runs yet (run `proofline sync` first)';
    return { title: 'Sync runs', html: `<div id="runs"><p class="muted">${esc(why)}</p></div>`, data: { runs, error: bundle.runsError ?? null } };
  }
  const rows = runs.flatMap((run) =>
    (run.streams.length ? run.streams : [null]).map(
      (s, i) =>
        `<tr>${i === 0 ? `<td rowspan="${Math.max(1, run.streams.length)}"><code>${esc(run.runId)}</code><br><span class="badge ${run.status === 'succeeded' ? 'pass' : run.status === 'failed' ? 'fail' : 'warn'}">${esc(run.status)}</span><br><span class="muted">${esc(run.startedAt)}</span><br><span class="muted">by ${run.origin === 'destination' ? 'the Airbyte destination' : 'proofline sync'}</span></td>` : ''}${
          s
            ? `${cell(s.stream)}${cell(s.read)}${cell(s.inserted)}${cell(s.updated)}${cell(s.unchanged)}${cell(s.duplicate)}${cell(s.rejected)}<td class="${s.balanced === false ? 'fail' : s.balanced ? 'pass' : 'muted'}">${s.balanced === null ? 'n/a' : yes(s.balanced)}</td>${cell(Object.entries(s.reasons).map(([k, n]) => `${k}: ${n}`).join(', ') || '—')}`
            : '<td colspan="9" class="muted">no stream recorded</td>'
        }</tr>`,
    ),
  );
  const latest = runs[0]!;
  const outcomes = ['inserted', 'updated', 'unchanged', 'duplicate', 'rejected'] as const;
  const rows2 = latest.streams.flatMap((s) => outcomes.map((k) => ({ category: s.stream, series: k, value: s[k] ?? 0 })));
  const chart = rows2.length ? await figure({ id: 'runs-latest', caption: `latest run ${latest.runId}: records per stream, by outcome`, spec: groupedBarSpec(rows2, 'records', outcomes), values: rows2 }) : '';
  const drifting = runs.flatMap((run) => run.streams.filter((s) => s.drift?.fields.length).map((s) => ({ run, s })));
  const driftHtml = drifting.length
    ? `<h3>Schema drift</h3><table class="drift"><tr><th>run</th><th>stream</th><th>policy</th><th>kind</th><th>field</th><th>records</th></tr>${drifting
        .flatMap(({ run, s }) => s.drift!.fields.map((f) => `<tr>${cell(run.runId)}${cell(s.stream)}${cell(s.drift!.policy)}${cell(f.kind)}${cell(f.field)}${cell(f.records)}</tr>`))
        .join('')}</table>`
    : '<p class="muted">No schema drift in these runs (checked for streams that declare expected_columns).</p>';
  const html = `<div id="runs"><p>The latest ${runs.length} sync run(s), newest first. Every record read is accounted for: read = inserted + updated + unchanged + duplicate + rejected (column ✓).</p>
<table class="runs"><tr><th>run</th><th>stream</th><th>read</th><th>inserted</th><th>updated</th><th>unchanged</th><th>duplicate</th><th>rejected</th><th>balanced</th><th>rejection reasons</th></tr>${rows.join('')}</table>${driftHtml}<div class="charts">${chart}</div></div>`;
  return { title: 'Sync runs', html, data: runs };
}

const CAPABILITY_ROWS: [string, (c: Capabilities) => Capability][] = [
  ['replSetGetStatus', (c) => c.replSetStatus],
  ['$jsonSchema validator', (c) => c.jsonSchemaValidator],
  ['$jsonSchema query', (c) => c.jsonSchemaQuery],
  ['serverStatus.connections', (c) => c.serverStatus.connections],
  ['serverStatus.opcounters', (c) => c.serverStatus.opcounters],
  ['serverStatus.repl', (c) => c.serverStatus.repl],
  ['transactions', (c) => c.transactions],
  ['change streams', (c) => c.changeStreams],
  ['getLog', (c) => c.getLog],
  ['dbHash', (c) => c.dbHash],
];

function memberRow(m: MemberEnvironment): string {
  const s = m.capabilities?.server;
  // hello's claim is checked against the probe's measured write: FerretDB's gateway over a
  // read-only standby says isWritablePrimary although every write fails.
  const measured = s?.writable;
  const role = !m.hello
    ? '—'
    : m.hello.isWritablePrimary
      ? measured === false
        ? 'read-only (hello claims writable primary, the probe write failed)'
        : 'writable primary'
      : m.hello.secondary
        ? 'secondary'
        : 'not writable';
  return `<tr>${cell(m.label)}${cell(m.role)}<td><code>${esc(m.host)}</code></td><td class="${m.reachable ? 'pass' : 'fail'}">${m.reachable ? 'reachable' : esc(`unreachable: ${m.error ?? ''}`)}</td>${cell(`${m.connectMs} ms`)}${cell(role)}${cell(m.hello?.setName ?? 'none')}${cell(s ? `${s.flavor} ${s.version}` : null)}${cell(s?.maxWireVersion)}</tr>`;
}

function environmentSection(bundle: EvidenceBundle): ReportSection {
  const members = bundle.environment.members;
  const probed = members.filter((m) => m.capabilities);
  const capRows = CAPABILITY_ROWS.map(
    ([name, get]) =>
      `<tr><td>${esc(name)}</td>${probed
        .map((m) => {
          const c = get(m.capabilities!);
          return `<td class="${c.supported ? 'pass' : 'unsupported'}" title="${esc(c.detail ?? '')}">${c.supported ? 'supported' : esc(c.detail ?? 'not supported by this server')}</td>`;
        })
        .join('')}</tr>`,
  ).join('');
  const html = `<div id="environment"><p><strong>Topology:</strong> <span id="topology">${esc(bundle.environment.topology)}</span></p>
<table class="members"><tr><th>member</th><th>configured as</th><th>host</th><th>reachable</th><th>connect</th><th>role reported by hello</th><th>replica set</th><th>server</th><th>wire</th></tr>${members.map(memberRow).join('')}</table>
<h3>Capabilities (asked of each server, never assumed)</h3>
${probed.length ? `<table class="capabilities"><tr><th>capability</th>${probed.map((m) => `<th>${esc(m.label)}</th>`).join('')}</tr>${capRows}</table>` : '<p class="fail">No member could be probed.</p>'}
<p class="muted">Pipeline ${esc(bundle.pipeline.name)} (${esc(bundle.pipeline.config)}), database <code>${esc(bundle.pipeline.database)}</code>. Check sources: ${Object.entries(bundle.checkSources)
    .map(([k, v]) => `${esc(k)} — ${esc(v)}`)
    .join('; ')}.</p></div>`;
  const data = { topology: bundle.environment.topology, members: members.map(({ log: _log, ...rest }) => rest), checkSources: bundle.checkSources, pipeline: bundle.pipeline };
  return { title: 'Environment', html, data };
}

function logLines(lines: ServerLogLine[]): string {
  // Repeats (FerretDB logs "Connection stopped" per client) collapse into one line with a count.
  const runs: { line: ServerLogLine; n: number }[] = [];
  for (const l of lines) {
    const last = runs.at(-1);
    if (last && last.line.severity === l.severity && last.line.message === l.message) last.n++;
    else runs.push({ line: l, n: 1 });
  }
  return `<pre>${runs.map(({ line: l, n }) => `${l.at ?? ''} [${l.severity}]${l.slow ? ' [slow]' : ''} ${l.message}${n > 1 ? ` (×${n}, newest shown)` : ''}`).map(esc).join('\n')}</pre>`;
}

/**
 * The counts of a server log excerpt, which add up: read = left out + warnings/errors/slow
 * + informational, and the warnings shown plus those beyond the limit = all warnings.
 */
export function logCounts(log: LogExcerpt): string {
  const informational = log.scanned - log.filtered - log.notableTotal;
  const beyond = log.notableTotal - log.notable.length;
  const why = leftOutText(log.leftOut);
  const shown = log.notableTotal
    ? `${log.notable.length} shown below (newest first${beyond ? `; ${beyond} older beyond the limit of ${log.notable.length} not shown` : ''})`
    : `none; the latest ${log.tail.length} line(s) are shown instead`;
  return `<p class="muted log-counts" data-scanned="${log.scanned}" data-filtered="${log.filtered}" data-notable="${log.notableTotal}" data-shown="${log.notable.length}" data-informational="${informational}">${log.scanned} line(s) read: ${log.filtered} left out because proofline caused them${why ? ` (${esc(why)})` : ''}; ${informational} informational (not shown); ${log.notableTotal} warning/error/slow: ${shown}.</p>`;
}

function logsSection(bundle: EvidenceBundle): ReportSection {
  const parts: string[] = [];
  for (const m of bundle.environment.members) {
    const log = m.log;
    if (!log) {
      parts.push(`<h3>${esc(m.label)} server log</h3><p class="muted">not read: ${esc(m.error ?? 'member not probed')}</p>`);
    } else if (!log.supported) {
      parts.push(`<h3>${esc(m.label)} server log</h3><p class="unsupported">${esc(log.detail ?? 'getLog: not supported by this server')}</p>`);
    } else {
      parts.push(`<h3>${esc(m.label)} server log</h3>${logCounts(log)}${logLines(log.notable.length ? log.notable : log.tail)}`);
    }
  }
  const runErrors = bundle.runs.flatMap((r) => r.errors.map((e) => `${r.runId} (${r.startedAt ?? '?'}): ${e}`));
  parts.push(`<h3>Sync run errors</h3>${runErrors.length ? `<pre>${esc(runErrors.join('\n'))}</pre>` : `<p class="muted">none in the latest ${bundle.runs.length} run(s)</p>`}`);
  const failed = bundle.checks.flatMap((r) => r.findings.filter((f) => f.status === 'fail').map((f) => `${r.name}: ${f.message}`));
  parts.push(`<h3>Failed findings</h3>${failed.length ? `<pre>${esc(failed.join('\n'))}</pre>` : '<p class="muted">none</p>'}`);
  const data = { server: bundle.environment.members.map((m) => ({ member: m.label, ...(m.log ?? { supported: false, detail: m.error }) })), runErrors, failedFindings: failed };
  return { title: 'Logs', html: `<div id="logs">${parts.join('')}</div>`, data };
}

async function historySection(bundle: EvidenceBundle): Promise<ReportSection | null> {
  if (!bundle.history) return null;
  const rows = Object.entries(bundle.history).flatMap(([series, s]) => (s ?? []).map((p, i) => ({ series, index: i + 1, value: p.durationMs })));
  const chart = rows.length
    ? await figure({ id: 'history-durations', caption: 'check duration over the monitor history (oldest → newest)', spec: seriesSpec(rows, 'ms', 'monitor run'), values: rows })
    : '<p class="muted">the monitor history is empty</p>';
  return { title: 'Monitor history', html: `<div id="history">${chart}</div>`, data: bundle.history };
}

export async function evidenceContext(bundle: EvidenceBundle): Promise<ReportContext> {
  const primary = bundle.environment.members.find((m) => m.role === 'primary');
  const sections = [thresholdsSection(bundle.checks), await profileSection(bundle.profile ?? []), await runsSection(bundle), environmentSection(bundle), logsSection(bundle), await historySection(bundle)].filter(
    (s): s is ReportSection => s !== null,
  );
  return { pipeline: bundle.pipeline.name, generatedAt: bundle.generatedAt, server: primary?.capabilities ?? null, sections, quarantine: bundle.quarantine ?? [] };
}
