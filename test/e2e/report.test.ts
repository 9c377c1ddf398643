import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
let pdfPath: string;

beforeAll(async () => {
  fixture = await makeReportFixture('e2e');
  htmlPath = join(fixture.dir, 'report.html');
  pdfPath = join(fixture.dir, 'report.pdf');
  const r = await runCli(['report', '--config', fixture.config, '--out', htmlPath, '--pdf', pdfPath]);
  // One document is out of range: the schema check fails, so the report exits 1.
  expect(r.code, r.stderr).toBe(1);
  browser = await launchChromium({ width: 1200, height: 900 });
  page = await browser.newPage();
  await page.goto(pathToFileURL(htmlPath).href);
}, 300_000);

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

  it('draws the charts with Vega-Lite as inline SVG: marks with a real size', async () => {
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBeGreaterThanOrEqual(3);
    const shapes = await page.locator('svg.chart .role-mark path, svg.chart .role-mark rect').evaluateAll((els) =>
      els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0 && r.height > 0).length,
    );
    expect(shapes).toBeGreaterThan(5);
    // 4 streams × inserted/updated/unchanged/duplicate/rejected.
    await expect(page.locator('#runs figure[data-chart="runs-latest"]').getAttribute('data-points')).resolves.toBe('20');
    // Self-contained: no script is needed to read it.
    await expect(page.locator('script').count()).resolves.toBe(0);
  });

  it('draws the data profile: volume per day and per-field histograms, not empty', async () => {
    for (const id of ['profile-volume-hourly_measurements', 'profile-fields-hourly_measurements']) {
      const fig = page.locator(`#profile figure[data-chart="${id}"]`);
      expect(Number(await fig.getAttribute('data-points'))).toBeGreaterThan(1);
      const drawn = await fig.locator('.role-mark path, .role-mark rect').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().width > 0).length);
      expect(drawn).toBeGreaterThan(4);
    }
    const stats = (await page.locator('#profile table.profile-stats').first().textContent()) ?? '';
    expect(stats).toContain('temperature_c');
    expect(stats).toMatch(/infoclimat/);
  });

  it('never draws an empty "all values are 0" chart: an all-zero measure is one line with its count and threshold', async () => {
    expect((await page.locator('body').textContent()) ?? '').not.toContain('all values are 0');
    const rows = await page.locator('.zero-row').allTextContents();
    for (const r of rows) expect(r).toMatch(/0 (of|in all) \d+ .*threshold/);
  });

  it('lists the invalid documents first: id, field, value, message and source location, and the quarantined records with their id', async () => {
    const samples = page.locator('#invalid-documents tr.invalid-sample');
    expect(await samples.count()).toBeGreaterThanOrEqual(1);
    const text = (await samples.first().textContent()) ?? '';
    expect(text).toMatch(/temperature_c/);
    const quarantined = page.locator('#invalid-documents tr.quarantine-sample');
    expect(await quarantined.count()).toBeGreaterThanOrEqual(5);
    expect((await quarantined.first().textContent()) ?? '').toMatch(/row \d+|item \d+/);
    // On the first screen, under the verdict.
    const top = await page.locator('#invalid-documents').evaluate((e) => e.getBoundingClientRect().top);
    expect(top).toBeLessThan(900);
    await page.screenshot({ path: outputPath('report-e2e-first-screen.png') });
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

  it("leaves the probe's own failed commands out of the server log excerpt, says why, and its counts add up", async () => {
    const counts = await page.locator('#logs .log-counts').evaluateAll((els) =>
      els.map((e) => {
        const n = (k: string) => Number(e.getAttribute(`data-${k}`));
        return { scanned: n('scanned'), filtered: n('filtered'), notable: n('notable'), shown: n('shown'), informational: n('informational') };
      }),
    );
    expect(counts.length).toBeGreaterThanOrEqual(1);
    expect(counts[0]!.filtered).toBeGreaterThan(0);
    for (const c of counts) {
      expect(c.filtered + c.notable + c.informational).toBe(c.scanned);
      expect(c.shown).toBeLessThanOrEqual(c.notable);
    }
    expect((await page.locator('#logs .log-counts').first().textContent()) ?? '').toContain('left out because proofline caused them');
    const excerpts = (await page.locator('#logs pre').allTextContents()).join('\n');
    for (const noise of ["'dbHash'", '$changeStream', 'autocommit', 'unknown top level operator: $jsonSchema', "'endSessions'", 'Connection stopped']) expect(excerpts).not.toContain(noise);
  });

  it('prints the same evidence to PDF: non-empty, at least one page, with the verdict', () => {
    const pdf = readFileSync(pdfPath);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    // poppler's pdftotext reads the text back (installed by .ci/run).
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    const pages = text.split('\f').filter((p) => p.trim()).length;
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/proofline — weather-report-e2e\s+FAIL/);
    expect(text).toContain('What failed');
  });

  it('saves a full-page screenshot', async () => {
    const file = outputPath('report-e2e.png');
    const png = await page.screenshot({ path: file, fullPage: true });
    expect(png.length).toBeGreaterThan(20_000);
  });
});
