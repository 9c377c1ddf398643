import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startMonitor, type MonitorHandle } from '../../src/monitor/service.js';
import { setReplicationPaused } from '../../src/stack/stack.js';
import { outputPath, pollUntil, primaryClient } from '../helpers.js';
import { get, monitorConfig, prepareReplication } from '../integration/monitor/monitor-helpers.js';

/**
 * The dashboard in a real headless Chromium: signs in with the keyboard, renders every
 * check and the four charts with data, receives live updates without a reload, shows
 * the reconciled sync counts and the server log, fits a 1366×768 laptop screen.
 */

const TOKEN = 'e2e-dashboard-token';

const SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['id_station', 'temperature_c'],
  properties: { id_station: { type: 'string' }, temperature_c: { type: ['number', 'null'], minimum: -60, maximum: 60 } },
};

describe('dashboard in headless Chromium', () => {
  let monitor: MonitorHandle;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let db: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pl-dash-'));
    writeFileSync(join(dir, 'hourly.schema.json'), JSON.stringify(SCHEMA));
    const config = monitorConfig({
      name: 'weather-e2e',
      checks: {
        availability: { interval: '1s', ping_samples: 5, op_samples: 2, ping_p95_ms: 2000, op_p95_ms: 5000, connect_ms: 5000 },
        schema: { interval: '2s', collections: [{ collection: 'hourly', schema: join(dir, 'hourly.schema.json') }] },
        quality: { enabled: false },
        coherence: { enabled: false },
        replication: { interval: '2s', samples: 3, timeout_ms: 3000, max_lag_p95_ms: 2900 },
      },
      monitor: { token_env: 'PL_E2E_TOKEN' },
    });
    db = config.mongodb.database;
    const client = await primaryClient();
    try {
      const d = client.db(db);
      await d.collection('hourly').insertMany([
        { id_station: '07015', temperature_c: 12.5, source: 'infoclimat' },
        { id_station: 'ILAMAD25', temperature_c: 99, source: 'wunderground' },
        { id_station: 'IICHTE19', temperature_c: 8.1, source: 'wunderground' },
        { id_station: 'IICHTE19', temperature_c: 7.9, source: 'wunderground' },
      ]);
      // Runs as the sync engine records them in _proofline_runs.
      await d.collection('_proofline_runs').insertOne({
        runId: 'run-e2e',
        pipeline: 'weather-e2e',
        status: 'succeeded',
        startedAt: new Date(Date.now() - 60_000).toISOString(),
        finishedAt: new Date(Date.now() - 55_000).toISOString(),
        streams: [
          { stream: 'infoclimat_hourly', collection: 'hourly', read: 4, inserted: 2, updated: 0, unchanged: 1, rejected: 1, rejectedByKind: { out_of_range: 1 }, status: 'succeeded' },
          { stream: 'wunderground_hourly', collection: 'hourly', read: 3, inserted: 2, updated: 1, unchanged: 0, rejected: 0, status: 'succeeded' },
        ],
      });
    } finally {
      await client.close();
    }
    await prepareReplication(config);
    monitor = await startMonitor(config, { env: { PL_E2E_TOKEN: TOKEN } });
    let status: { checks: { name?: string; latest: unknown }[] } = { checks: [] };
    const warm = await pollUntil(async () => {
      status = (await get(`${monitor.url}/api/status`, { authorization: `Bearer ${TOKEN}` })).json() as typeof status;
      return status.checks.length === 3 && status.checks.every((c) => c.latest);
    }, 30_000, 200);
    expect(warm.value, `every check has a first result: ${JSON.stringify(status.checks.map((c) => [c.name, Boolean(c.latest)]))}`).toBe(true);
    context = await launchChromium({ width: 1366, height: 768 }, join(dir, 'profile'));
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await setReplicationPaused(false).catch(() => undefined);
    await context?.close();
    await monitor?.close();
    const client = await primaryClient();
    await client.db(db).dropDatabase().catch(() => undefined);
    await client.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with the keyboard and renders live data', async () => {
    let navigations = 0;
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame()) navigations += 1;
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${monitor.url}/`);
    // Chromium applies `autofocus` at its next rendering step, which may come after goto
    // resolves on a busy machine: wait for it (a page without autofocus times out here).
    await page.waitForFunction(() => document.activeElement?.id === 'token', undefined, { timeout: 5_000 });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('token');
    await page.keyboard.type(TOKEN);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#check-availability[data-status="pass"]');
    await page.waitForSelector('#live.on');

    // Every check has a status card.
    for (const c of ['availability', 'schema', 'replication']) await page.waitForSelector(`#check-${c}[data-status]:not([data-status="pending"])`);
    expect(await page.locator('#check-schema').getAttribute('data-status')).toBe('fail'); // 1 of 4 documents out of range

    // The four charts are drawn, with data points.
    for (const id of ['chart-latency', 'chart-availability', 'chart-invalid', 'chart-lag']) {
      const drawn = await page.evaluate((canvasId) => {
        const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
        const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: (number | null)[] }[] } } | undefined } }).Chart.getChart(canvas);
        const points = chart ? chart.data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null).length, 0) : 0;
        const ctx = canvas.getContext('2d')!;
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) painted++;
        return { points, painted, w: canvas.width, h: canvas.height };
      }, id);
      expect(drawn.points, id).toBeGreaterThan(0);
      expect(drawn.painted, id).toBeGreaterThan(500);
    }
    const invalidLabel = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: { label: string; data: number[] }[] } } } }).Chart.getChart('chart-invalid');
      return chart.data.datasets.map((d) => `${d.label}:${d.data.at(-1)}`);
    });
    expect(invalidLabel).toEqual(['hourly:25']);

    // A live update arrives: the availability card's last-run time and the page clock change, without a reload.
    const before = { update: await page.locator('#last-update').getAttribute('datetime'), points: await page.locator('#chart-latency').getAttribute('data-points') };
    await page.waitForFunction((b) => {
      const t = document.getElementById('last-update')!.getAttribute('datetime');
      const p = document.getElementById('chart-latency')!.getAttribute('data-points');
      return t !== b.update && p !== b.points;
    }, before, { timeout: 10_000 });
    expect(navigations).toBe(2); // the login page, then the dashboard: no reload since

    // Reconciled sync counts.
    const runs = await page.locator('#runs tbody').innerText();
    expect(runs).toContain('infoclimat_hourly');
    expect(runs).toContain('✓ 4 = 2 + 0 + 1 + 0 + 1');
    expect(runs).toContain('✓ 3 = 2 + 1 + 0 + 0 + 0');

    // FerretDB answers getLog: the panel shows collected lines, not "unsupported".
    await expect.poll(async () => page.locator('#serverlog-note').innerText()).toMatch(/notable lines shown, from \d+ lines scanned/);
    // None of what is shown was caused by proofline itself (its probes, the history's TTL
    // index request, session housekeeping, its own disconnects), and the counts add up.
    const shown = await page.locator('#serverlog').innerText();
    for (const own of ['expireAfterSeconds', 'endSessions', 'Connection stopped', 'dropTarget', '$jsonSchema']) expect(shown).not.toContain(own);
    const panel = (await get(`${monitor.url}/api/server-log`, { authorization: `Bearer ${TOKEN}` })).json() as { scanned: number; notable: number; lines: unknown[]; leftOut: Record<string, number> };
    const leftOut = Object.values(panel.leftOut).reduce((a, n) => a + n, 0);
    expect(leftOut).toBeGreaterThan(0);
    expect(panel.notable + leftOut).toBeLessThanOrEqual(panel.scanned);
    expect(panel.lines.length).toBeLessThanOrEqual(panel.notable);

    // Keyboard: the controls take focus in order, with a visible focus ring.
    await page.focus('a.skip');
    const focused: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      focused.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    expect(focused).toEqual(['window', 'pause', 'refresh']);
    await page.focus('#pause');
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(ring).not.toBe('none');
    await page.focus('#pause');
    await page.keyboard.press('Enter');
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('true');
    await page.keyboard.press('Enter');
    expect(await page.locator('#pause').getAttribute('aria-pressed')).toBe('false');

    // Dates are ISO-like and carry their zone, never a locale's order.
    expect(await page.locator('#last-update').innerText()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC([+-]\d{2}:\d{2})?$/);
    expect(runs).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);

    // Availability: 100 % has its tick below the top of the axis, and every endpoint its own dash and point shape.
    const axis = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(id: string): { scales: { y: { max: number; ticks: { value: number; label: string }[] } }; data: { datasets: { borderDash: number[]; pointStyle: string }[] } } } }).Chart.getChart('chart-availability');
      return { max: chart.scales.y.max, labels: chart.scales.y.ticks.map((t) => t.label), styles: chart.data.datasets.map((d) => `${d.pointStyle}/${d.borderDash.join(',')}`) };
    });
    expect(axis.max).toBeGreaterThan(100);
    expect(axis.labels).toContain('100 %');
    expect(new Set(axis.styles).size).toBe(axis.styles.length);

    // Which documents are bad: the out-of-range one, with its field, value and where it came from.
    await page.waitForSelector('#invalid tbody tr.invalid-sample');
    const invalid = await page.locator('#invalid tbody').innerText();
    expect(invalid).toContain('temperature_c');
    expect(invalid).toContain('maximum');
    expect(invalid).toContain('99');
    expect(await page.locator('#invalid tbody tr.invalid-sample').count()).toBe(1);

    // A replica that stops showing writes is drawn as a failure marker, not as a gap.
    await setReplicationPaused(true);
    try {
      await page.waitForFunction(() => {
        const chart = (window as unknown as { Chart: { getChart(id: string): { data: { datasets: { label: string; data: (number | null)[] }[] } } } }).Chart.getChart('chart-lag');
        return chart.data.datasets.some((d) => d.label.endsWith('not seen in time') && d.data.some((v) => v !== null && v >= 3000));
      }, undefined, { timeout: 20_000 });
    } finally {
      await setReplicationPaused(false);
    }

    // Laptop screen: no horizontal scrolling at 1366 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1366);
    await page.screenshot({ path: outputPath('dashboard.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
