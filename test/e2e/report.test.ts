import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser.js';
import { outputPath, runCli } from '../helpers.js';
import { dropFixture, makeReportFixture, type ReportFixture } from '../integration/report/report-fixture.js';

/**
 * `proofline report` rendered in a real headless Chromium: the evidence sections are
 * there, the charts are drawn (SVG shapes with size), and a screenshot is kept in
 * test-output/ as the visual evidence of the run.
 */

let fixture: ReportFixture;
let browser: BrowserContext;
let page: Page;
let htmlPath: string;

beforeAll(async () => {
  fixture = await makeReportFixture('e2e');
  htmlPath = join(fixture.dir, 'report.html');
  const r = await runCli(['report', '--config', fixture.config, '--out', htmlPath]);
  // One document is out of range: the schema check fails, so the report exits 1.
  expect(r.code, r.stderr).toBe(1);
  browser = await launchChromium({ width: 1200, height: 900 });
  page = await browser.newPage();
  await page.goto(pathToFileURL(htmlPath).href);
});

afterAll(async () => {
  await browser?.close();
  if (fixture) await dropFixture(fixture);
});

describe('the evidence report in Chromium', () => {
  it('shows the verdict and every check result', async () => {
    await expect(page.locator('[data-overall]').getAttribute('data-overall')).resolves.toBe('fail');
    for (const name of ['availability', 'schema', 'quality', 'replication']) {
      await expect(page.locator(`#check-${name} h2`).textContent()).resolves.toContain(name);
    }
    await expect(page.locator('#check-schema h2').textContent()).resolves.toContain('FAIL');
  });

  it('draws the charts', async () => {
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBeGreaterThanOrEqual(3);
    // Drawn, not just declared: bars and points with a real size on screen.
    const shapes = await page.locator('svg.chart rect.bar, svg.chart circle.point').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0).length,
    );
    expect(shapes).toBeGreaterThan(5);
    // 4 streams × inserted/updated/unchanged/duplicate/rejected.
    await expect(page.locator('#runs svg.chart rect.bar').count()).resolves.toBe(20);
  });

  it('lists the thresholds with the measured values and verdicts', async () => {
    const rows = page.locator('#thresholds table tr');
    expect(await rows.count()).toBeGreaterThan(3);
    const text = (await page.locator('#thresholds').textContent()) ?? '';
    expect(text).toMatch(/invalid_rate\[hourly_measurements\]/);
    expect(text).toMatch(/fail/);
    expect(text).toMatch(/pass/);
  });

  it('shows the sync runs with their accounting', async () => {
    const text = (await page.locator('#runs').textContent()) ?? '';
    expect(text).toMatch(/\d{8}T\d{6}Z-\w+succeeded/);
    expect(text).toContain('run-older');
    expect(text).toContain('wunderground_hourly');
    // Rejection reasons by kind, e.g. "dst_gap: 1".
    expect(text).toMatch(/[a-z_]+: \d+/);
  });

  it('describes the environment: server, topology and capabilities', async () => {
    await expect(page.locator('#topology').textContent()).resolves.toMatch(/primary \+ 1 replica; FerretDB v\d/);
    await expect(page.locator('#environment table.members tr').count()).resolves.toBe(3);
    const caps = (await page.locator('#environment table.capabilities').textContent()) ?? '';
    expect(caps).toContain('getLog');
    expect(caps).toContain('not supported by this server');
  });

  it('excerpts the logs: server getLog lines and the runs’ errors, redacted', async () => {
    const text = (await page.locator('#logs').textContent()) ?? '';
    expect(text).toMatch(/primary server log/);
    expect(text).toContain('HTTP 503');
    expect(text).not.toContain('hunter2');
    expect(await page.locator('#logs pre').count()).toBeGreaterThanOrEqual(2);
  });

  it("leaves the probe's own failed commands out of the server log excerpt, and says how many", async () => {
    const filtered = await page.locator('#logs .probe-filtered').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-filtered'))));
    expect(filtered.length).toBeGreaterThanOrEqual(1);
    expect(filtered[0]).toBeGreaterThan(0);
    const excerpts = (await page.locator('#logs pre').allTextContents()).join('\n');
    for (const noise of ["'dbHash'", '$changeStream', 'autocommit', 'unknown top level operator: $jsonSchema']) expect(excerpts).not.toContain(noise);
  });

  it('saves a full-page screenshot', async () => {
    const file = outputPath('report-e2e.png');
    const png = await page.screenshot({ path: file, fullPage: true });
    expect(png.length).toBeGreaterThan(20_000);
  });
});
