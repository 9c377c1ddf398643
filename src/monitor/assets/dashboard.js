/* proofline monitor dashboard: reads the JSON API, then follows /api/events (SSE). No build step, no CDN. */
/* global Chart */
(function () {
  'use strict';
  const CHECKS = ['availability', 'schema', 'quality', 'replication', 'coherence'];
  const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#1b7c83'];
  const state = { window: 60, paused: false, history: {}, status: null, charts: {} };
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  };
  // Dates read the same everywhere: ISO order, 24 h, and the zone they are in.
  const pad = (n) => String(n).padStart(2, '0');
  const zoneOf = (d) => {
    const m = -d.getTimezoneOffset();
    return m === 0 ? 'UTC' : `UTC${m > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(m) / 60))}:${pad(Math.abs(m) % 60)}`;
  };
  const ZONE = zoneOf(new Date());
  const clock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const fmtTime = (iso) => (iso ? clock(new Date(iso)) : '–');
  const fmtDateTime = (iso) => {
    if (!iso) return '–';
    const d = new Date(iso);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(d)} ${zoneOf(d)}`;
  };
  // Series that share values (two endpoints at 100 %) must stay apart: each its own dash and point shape.
  const DASHES = [[], [6, 3], [2, 2], [10, 3, 2, 3]];
  const POINTS = ['circle', 'triangle', 'rect', 'rectRot', 'star'];

  async function api(path) {
    const r = await fetch(path, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    if (r.status === 401) { location.assign('/'); throw new Error('unauthorized'); }
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json();
  }

  function touch() {
    const now = new Date();
    const t = $('last-update');
    t.dateTime = now.toISOString();
    t.textContent = fmtDateTime(now.toISOString());
  }

  // ---- check cards ----
  function renderChecks() {
    const ul = $('checks');
    ul.replaceChildren();
    for (const c of state.status?.checks ?? []) {
      const latest = c.latest;
      const status = latest ? latest.status : 'pending';
      const li = el('li', { class: `card ${status}`, id: `check-${c.name}`, 'data-status': status },
        el('h3', {}, c.name, el('span', { class: `badge ${status}`, 'aria-label': `${c.name} status ${status}` }, status)),
        el('p', {}, latest ? latest.summary : 'waiting for the first run'),
        el('p', { class: 'muted' }, `every ${Math.round(c.intervalMs / 1000)} s · last run ${fmtDateTime(latest && latest.at)} · last success ${fmtDateTime(c.lastSuccessAt)}${c.running ? ' · running' : ''}${latest && latest.interrupted ? ` · interrupted (${latest.interrupted})` : ''}`));
      ul.append(li);
    }
  }

  // ---- charts ----
  function series(entries, pick) {
    // entries newest first → oldest first; one dataset per key the digests carry.
    const ordered = [...entries].reverse();
    const keys = [...new Set(ordered.flatMap((e) => Object.keys(pick(e) || {})))];
    return {
      labels: ordered.map((e) => fmtTime(e.at)),
      datasets: keys.map((k, i) => ({
        label: k,
        data: ordered.map((e) => { const v = (pick(e) || {})[k]; return v === undefined ? null : v; }),
        borderColor: COLORS[i % COLORS.length],
        backgroundColor: COLORS[i % COLORS.length],
        borderDash: DASHES[i % DASHES.length],
        pointStyle: POINTS[i % POINTS.length],
        // Later series drawn on top, their points larger and hollow: equal values stay visible.
        order: COLORS.length - i,
        pointRadius: 2.5 + 1.5 * i,
        pointBackgroundColor: i ? 'transparent' : COLORS[0],
        borderWidth: 1.5,
        spanGaps: false,
      })),
    };
  }

  // A replica that did not show a write in time is a failure, drawn as a red ✕ at the
  // height it waited (at least the marker timeout), never as a gap in its line.
  function withFailures(data, entries) {
    const ordered = [...entries].reverse();
    const replicas = [...new Set(ordered.flatMap((e) => Object.keys(e.lagMs || {})))];
    for (const r of replicas) {
      const marks = ordered.map((e) => {
        const lag = (e.lagMs || {})[r];
        if (lag !== null || !(r in (e.lagMs || {}))) return null;
        return Math.max((e.staleMs || {})[r] || 0, e.lagTimeoutMs || 0) || null;
      });
      if (marks.some((v) => v !== null)) {
        data.datasets.push({ label: `${r}: not seen in time`, data: marks, showLine: false, pointStyle: 'crossRot', pointRadius: 7, pointBorderWidth: 2.5, borderColor: '#cf222e', backgroundColor: '#cf222e', failure: true });
      }
    }
    return data;
  }

  function rolling(entries, n) {
    // Availability % per endpoint over the last n runs at each point.
    const ordered = [...entries].reverse();
    return ordered.map((e, i) => {
      const win = ordered.slice(Math.max(0, i - n + 1), i + 1);
      const out = {};
      for (const k of Object.keys(e.availability || {})) {
        const xs = win.map((w) => (w.availability || {})[k]).filter((v) => typeof v === 'number');
        out[k] = xs.length ? (100 * xs.reduce((a, b) => a + b, 0)) / xs.length : null;
      }
      return { at: e.at, availability: out };
    }).reverse();
  }

  // y: the axis title and, for a percentage, a top just above 100 so that 100 % has its tick and its line off the border.
  function yAxis(yTitle, percent) {
    const y = { beginAtZero: true, title: { display: true, text: yTitle } };
    if (percent) {
      Object.assign(y, {
        min: 0,
        max: 105,
        afterBuildTicks: (axis) => { axis.ticks = [0, 25, 50, 75, 100].map((value) => ({ value })); },
        ticks: { autoSkip: false, callback: (v) => `${v} %` },
      });
    }
    return y;
  }

  function drawChart(id, data, yTitle, percent) {
    const canvas = $(id);
    canvas.dataset.points = String(data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0));
    let chart = state.charts[id];
    if (!chart) {
      chart = new Chart(canvas, {
        type: 'line',
        data,
        options: {
          animation: false, responsive: true, maintainAspectRatio: false,
          scales: { x: { title: { display: true, text: `time (${ZONE})` }, ticks: { maxTicksLimit: 8, autoSkip: true } }, y: yAxis(yTitle, percent) },
          plugins: { legend: { position: 'bottom', labels: { boxWidth: 10 } } },
        },
      });
      state.charts[id] = chart;
    } else {
      chart.data = data;
      chart.update('none');
    }
  }

  function renderCharts() {
    const h = (name) => (state.history[name] || []).slice(0, state.window);
    drawChart('chart-latency', series(h('availability'), (e) => e.latencyMs), 'ms');
    drawChart('chart-availability', series(rolling(h('availability'), 10), (e) => e.availability), '%', true);
    drawChart('chart-invalid', series(h('schema'), (e) => Object.fromEntries(Object.entries(e.invalidRate || {}).map(([k, v]) => [k, v * 100]))), '%');
    drawChart('chart-lag', withFailures(series(h('replication'), (e) => e.lagMs), h('replication')), 'ms');
  }

  // ---- runs ----
  function runRows(run) {
    const streams = Array.isArray(run.streams) && run.streams.length ? run.streams : [{ stream: '(no stream)', read: null }];
    return streams.map((s) => {
      // duplicate is absent from runs recorded before it was counted: 0 there.
      // unwritten: a failed run's records read but never stored (the next run reads them again); only when present.
      const parts = ['inserted', 'updated', 'unchanged', 'duplicate', 'rejected', ...(s.unwritten ? ['unwritten'] : [])].map((k) => (typeof s[k] === 'number' ? s[k] : k === 'duplicate' && typeof s.read === 'number' ? 0 : null));
      const known = typeof s.read === 'number' && parts.every((p) => p !== null);
      const reconciled = known && s.read === parts.reduce((a, b) => a + b, 0);
      return el('tr', {},
        el('td', {}, fmtDateTime(run.startedAt)),
        el('td', {}, s.stream || '–'),
        el('td', {}, `${s.status || run.status || '–'}${s.drift && Array.isArray(s.drift.fields) && s.drift.fields.length ? ` · schema drift: ${s.drift.fields.map((f) => `${f.kind} ${f.field}`).join(', ')}` : ''}`),
        el('td', {}, s.read ?? '–'),
        ...parts.map((p) => el('td', {}, p ?? '–')),
        el('td', { class: known ? (reconciled ? 'ok' : 'bad') : 'muted' }, known ? (reconciled ? `✓ ${s.read} = ${parts.join(' + ')}` : `✗ ${s.read} ≠ ${parts.reduce((a, b) => a + b, 0)}`) : '–'));
    });
  }

  async function loadRuns() {
    const r = await api('/api/runs?limit=20');
    const runs = [...(r.runs || []), ...(r.monitorSyncs || []).filter((m) => m.status !== 'succeeded')]
      .sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
    const tbody = $('runs').tBodies[0];
    tbody.replaceChildren(...(runs.length ? runs.flatMap(runRows) : [el('tr', {}, el('td', { colspan: '9', class: 'muted' }, r.source === 'unavailable' ? 'database unreachable' : 'no sync run recorded yet'))]));
  }

  // ---- alerts and server log ----
  function renderAlerts() {
    const recent = state.status?.alerts?.recent ?? [];
    const ol = $('alerts');
    if (!recent.length) return;
    ol.replaceChildren(...recent.map((a) => el('li', { class: a.state === 'firing' ? a.level : 'resolved' },
      `${fmtDateTime(a.at)} ${a.state === 'firing' ? '▲ FIRING' : '▼ RESOLVED'} ${a.check} (${a.level}): ${a.summary}`)));
  }

  function renderServerLog(s) {
    const note = $('serverlog-note');
    const ol = $('serverlog');
    if (!s.supported) {
      note.textContent = `unsupported by this server${s.detail ? ` (${s.detail})` : ''}`;
      ol.replaceChildren();
      return;
    }
    const leftOut = Object.values(s.leftOut || {}).reduce((a, n) => a + n, 0);
    note.textContent = s.detail || `${s.lines.length} of ${s.notable ?? s.lines.length} notable lines shown, from ${s.scanned ?? '?'} lines scanned at ${fmtDateTime(s.at)}${leftOut ? `; ${leftOut} left out as proofline's own: ${s.leftOutText}` : ''}`;
    ol.replaceChildren(...s.lines.map((l) => el('li', { class: `sev-${l.severity}` }, `${fmtDateTime(l.at)} ${l.severity} ${l.slow ? '[slow] ' : ''}${l.message}`)));
  }

  // ---- invalid documents ----
  const valueText = (v) => {
    const t = v === undefined ? '(missing)' : JSON.stringify(v) ?? String(v);
    return t.length > 60 ? `${t.slice(0, 57)}…` : t;
  };

  async function loadInvalid() {
    const r = await api('/api/invalid');
    const tbody = $('invalid').tBodies[0];
    const rejects = Object.fromEntries((r.quarantine || []).map((q) => [q.collection, q.rejectsCollection]));
    $('invalid-note').textContent = r.at
      ? `${r.samples.length ? `up to ${r.samplesPerRule} per rule and field` : 'none'} · schema check of ${fmtDateTime(r.at)}${(r.quarantine || []).some((q) => q.total) ? ` · quarantined at ingestion: ${(r.quarantine || []).map((q) => `${q.total} in ${q.rejectsCollection}`).join(', ')}` : ''}`
      : 'waiting for the first schema check';
    tbody.replaceChildren(...(r.samples.length
      ? r.samples.map((x) => el('tr', { class: 'invalid-sample' },
        el('td', {}, x.collection), el('td', {}, x.rule), el('td', {}, el('code', {}, x.field)), el('td', {}, el('code', {}, x.id)),
        el('td', { class: 'val' }, valueText(x.value)), el('td', {}, x.message), el('td', {}, `${x.source}: ${x.where}`),
        el('td', {}, x.quarantineId ? el('code', { title: `in ${rejects[x.collection] || `${x.collection}_rejects`}` }, x.quarantineId) : 'stored (not quarantined)')))
      : [el('tr', {}, el('td', { colspan: '8', class: 'muted' }, r.at ? 'no invalid document in the latest schema check' : 'no schema check yet'))]));
  }

  // ---- loading and live updates ----
  async function loadAll() {
    state.status = await api('/api/status');
    $('pipeline').textContent = state.status.pipeline;
    $('server').textContent = state.status.server ? `${state.status.server.flavor} ${state.status.server.version} · ${state.status.server.hosts} · history: ${state.status.history}` : `database ${state.status.database}`;
    const names = state.status.checks.map((c) => c.name).filter((n) => CHECKS.includes(n));
    await Promise.all(names.map(async (n) => {
      const r = await api(`/api/history?check=${n}&limit=${Math.max(state.window, 60)}`);
      state.history[n] = r.entries;
    }));
    renderChecks();
    renderCharts();
    renderAlerts();
    renderServerLog(await api('/api/server-log'));
    await loadRuns();
    await loadInvalid();
    touch();
  }

  function onCheck(entry) {
    const list = (state.history[entry.check] = state.history[entry.check] || []);
    list.unshift(entry);
    list.length = Math.min(list.length, 300);
    const c = state.status && state.status.checks.find((x) => x.name === entry.check);
    if (c) {
      c.latest = entry;
      if (entry.status === 'pass' || entry.status === 'warn') c.lastSuccessAt = entry.at;
    }
    renderChecks();
    renderCharts();
    if (entry.check === 'schema') loadInvalid().catch(() => undefined);
    touch();
  }

  function connect() {
    const live = $('live');
    const es = new EventSource('/api/events');
    es.onopen = () => { live.textContent = 'live'; live.className = 'live on'; };
    es.onerror = () => { live.textContent = 'reconnecting…'; live.className = 'live off'; };
    es.addEventListener('check', (e) => { if (!state.paused) onCheck(JSON.parse(e.data)); });
    es.addEventListener('alert', (e) => {
      if (state.paused || !state.status) return;
      state.status.alerts.recent.unshift(JSON.parse(e.data));
      renderAlerts();
    });
    es.addEventListener('sync', () => { if (!state.paused) loadRuns().catch(() => undefined); });
    es.addEventListener('serverlog', (e) => { if (!state.paused) renderServerLog(JSON.parse(e.data)); });
  }

  $('window').addEventListener('change', (e) => { state.window = Number(e.target.value); loadAll().catch(console.error); });
  $('refresh').addEventListener('click', () => loadAll().catch(console.error));
  $('pause').addEventListener('click', (e) => {
    state.paused = !state.paused;
    e.target.setAttribute('aria-pressed', String(state.paused));
    e.target.textContent = state.paused ? 'Resume live updates' : 'Pause live updates';
    if (!state.paused) loadAll().catch(console.error);
  });
  loadAll().then(connect, (e) => { $('live').textContent = `error: ${e.message}`; $('live').className = 'live off'; });
})();
