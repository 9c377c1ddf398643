import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { MongoClient } from 'mongodb';
import { runChecks } from '../../src/checks/run.js';
import { renderHtml } from '../../src/report/html.js';
import { makeDocGenerator } from '../../bench/weather-docs.js';
import { launchChromium } from './browser.js';
import { makeCollectionsVisibleOnReplica, outputPath, primaryClient, uniqueDb } from '../helpers.js';
import { WEATHER_SCHEMA, config } from '../integration/checks/cases/config.js';

/** The check report's HTML, from real check results, rendered in headless Chromium: the charts are drawn. */

let browser: BrowserContext;
let page: Page;
let client: MongoClient;
const db = uniqueDb('e2e_check');

beforeAll(async () => {
  client = await primaryClient();
  const gen = makeDocGenerator(11);
  // 100 documents: the generator makes #49 and #99 invalid (one wrong type, one out of range).
  await client.db(db).collection('hourly_measurements').insertMany(Array.from({ length: 100 }, (_, i) => gen(i)));
  await client.db(db).createCollection('_proofline_markers');
  await makeCollectionsVisibleOnReplica();
  const cfg = config(db, {
    availability: { ping_samples: 30, op_samples: 5 },
    schema: { collections: [{ collection: 'hourly_measurements', schema: WEATHER_SCHEMA }], max_invalid_rate: 0.05 },
    quality: { collection: 'hourly_measurements', rules: [{ type: 'range', field: 'pressure_hpa', min: 850, max: 1100, max_violations: 5 }, { type: 'null_rate', field: 'visibility_m', max: 0.9 }] },
    replication: { samples: 8, timeout_ms: 5000 },
  });
  const results = await runChecks(cfg, 'all');
  const htmlPath = outputPath('check-report.html');
  writeFileSync(htmlPath, renderHtml(results, { pipeline: 'e2e check report', generatedAt: new Date().toISOString() }));
  browser = await launchChromium({ width: 1200, height: 900 });
  page = await browser.newPage();
  await page.goto(pathToFileURL(htmlPath).href);
});

afterAll(async () => {
  await browser?.close();
  await client?.db(db).dropDatabase();
  await client?.close();
});

/** Marks drawn with a real size on screen, and their data values. */
async function marks(chart: string, selector: string): Promise<{ count: number; drawn: number; values: string[] }> {
  return page.locator(`svg[data-chart="${chart}"] ${selector}`).evaluateAll((els) => ({
    count: els.length,
    drawn: els.filter((e) => {
      const b = (e as SVGGraphicsElement).getBBox();
      return b.width > 0 && (b.height > 0 || e.tagName === 'line');
    }).length,
    values: els.map((e) => e.getAttribute('data-value') ?? ''),
  }));
}

describe('check report in Chromium', () => {
  it('shows every check with its verdict', async () => {
    await expect(page.locator('[data-overall]').getAttribute('data-overall')).resolves.toBe('pass');
    for (const name of ['availability', 'schema', 'quality', 'replication']) await expect(page.locator(`#check-${name} h2`).textContent()).resolves.toMatch(/PASS/);
  });

  it('draws the ping latency distribution of every endpoint, 30 samples each', async () => {
    for (const ep of ['primary', 'replica-1']) {
      const bars = await marks(`ping-${ep}`, 'rect.bar');
      expect(bars.count).toBeGreaterThan(0);
      expect(bars.values.reduce((a, v) => a + Number(v), 0)).toBe(30);
      expect(bars.drawn).toBeGreaterThan(0);
    }
    const ops = await marks('op-latency', 'rect.bar');
    expect(ops.count).toBe(7); // 5 ops on the primary, find + aggregate on the replica
    expect(ops.drawn).toBe(7);
    expect((await marks('op-latency', '.bar-threshold')).values).toEqual(Array(7).fill('500'));
  });

  it('draws the lag over the replication samples, with the threshold', async () => {
    const pts = await marks('replication-lag', 'circle.point');
    expect(pts.count).toBe(8);
    expect(pts.values.every((v) => Number(v) > 0)).toBe(true);
    expect(await page.locator('svg[data-chart="replication-lag"] polyline.series').count()).toBe(1);
    expect((await marks('replication-lag', '.threshold')).values).toEqual(['1000']);
  });

  it('scales the lag axis to the samples and annotates the far threshold instead of flattening them', async () => {
    const chart = page.locator('svg[data-chart="replication-lag"]');
    const lags = (await marks('replication-lag', 'circle.point')).values.map(Number);
    const axisMax = Number(await chart.getAttribute('data-axis-max'));
    if (Math.max(...lags) * 1.2 * 1.5 < 1000) {
      expect(axisMax).toBeLessThan(1000);
      await expect(chart.locator('text.threshold-above').textContent()).resolves.toMatch(/threshold 1 s \(above the chart\)/);
    }
    expect(axisMax).toBeGreaterThanOrEqual(Math.max(...lags));
  });

  it('prints every category label in full (wrapped or in a key), never cut', async () => {
    const labels = await page.locator('svg.chart text.category').evaluateAll((els) => els.map((e) => ({ full: e.getAttribute('data-label') ?? '', shown: e.textContent ?? '' })));
    expect(labels.length).toBeGreaterThan(5);
    const keys = (await page.locator('.chart-key li').allTextContents()).join('\n');
    for (const l of labels) expect(l.shown === l.full || keys.includes(l.full)).toBe(true);
  });

  it('draws the invalid-rate breakdown by failure kind and by source, with the max rate', async () => {
    const bars = await marks('invalid-hourly_measurements', 'rect.bar');
    expect(Number(bars.values[0])).toBeCloseTo(0.02, 5); // 2 of 100
    expect(bars.drawn).toBeGreaterThanOrEqual(3);
    expect((await marks('invalid-hourly_measurements', '.threshold')).values).toEqual(['0.05']);
    await expect(page.locator('figure', { has: page.locator('svg[data-chart="invalid-hourly_measurements"]') }).locator('figcaption').textContent()).resolves.toMatch(/2\/100 documents/);
  });

  it('draws each quality rule against its own threshold', async () => {
    const range = await marks('quality-range_violations', 'rect.bar');
    expect(range.values).toEqual(['1']); // document #99 has pressure 1500 hPa
    expect((await marks('quality-range_violations', '.bar-threshold')).values).toEqual(['5']);
    expect((await marks('quality-null_rate', '.bar-threshold')).values).toEqual(['0.9']);
  });

  it('renders visible pixels, saved as a screenshot', async () => {
    const shot = await page.locator('svg[data-chart="replication-lag"]').screenshot();
    // A blank chart compresses to almost nothing; a drawn one does not.
    expect(shot.length).toBeGreaterThan(3_000);
    await page.screenshot({ path: outputPath('check-report.png'), fullPage: true });
  });
});
