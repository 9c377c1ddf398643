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
  writeFileSync(htmlPath, await renderHtml(results, { pipeline: 'e2e check report', generatedAt: new Date().toISOString() }));
  browser = await launchChromium({ width: 1200, height: 900 });
  page = await browser.newPage();
  await page.goto(pathToFileURL(htmlPath).href);
});

afterAll(async () => {
  await browser?.close();
  await client?.db(db).dropDatabase();
  await client?.close();
});

/** The figure's plotted values and how many of its SVG marks are drawn with a real size. */
async function chart(id: string): Promise<{ values: Record<string, unknown>[]; drawn: number; caption: string }> {
  const fig = page.locator(`figure[data-chart="${id}"]`);
  const values = JSON.parse((await fig.getAttribute('data-values')) ?? '[]') as Record<string, unknown>[];
  const drawn = await fig.locator('svg.chart .role-mark path, svg.chart .role-mark rect').evaluateAll((els) => els.filter((e) => (e as SVGGraphicsElement).getBBox().width > 0).length);
  return { values, drawn, caption: (await fig.locator('figcaption').textContent()) ?? '' };
}

describe('check report in Chromium', () => {
  it('shows every check with its verdict', async () => {
    await expect(page.locator('[data-overall]').getAttribute('data-overall')).resolves.toBe('pass');
    for (const name of ['availability', 'schema', 'quality', 'replication']) await expect(page.locator(`#check-${name} h2`).textContent()).resolves.toMatch(/PASS/);
  });

  it('draws the ping latency distribution of every endpoint, 30 samples each', async () => {
    for (const ep of ['primary', 'replica-1']) {
      const c = await chart(`ping-${ep}`);
      expect(c.values).toHaveLength(30);
      expect(c.drawn).toBeGreaterThan(0);
    }
    const ops = await chart('op-latency');
    expect(ops.values).toHaveLength(7); // 5 ops on the primary, find + aggregate on the replica
    expect(ops.values.map((v) => v.threshold)).toEqual(Array(7).fill(500));
    expect(ops.caption).toContain('threshold ≤ 500 ms');
  });

  it('draws the lag over the replication samples, every one seen', async () => {
    const c = await chart('replication-lag');
    expect(c.values).toHaveLength(8);
    expect(c.values.every((v) => typeof v.ms === 'number' && v.ms > 0)).toBe(true);
    expect(c.drawn).toBeGreaterThan(0);
    expect((await page.locator('figure[data-chart="replication-lag"]').textContent()) ?? '').not.toContain('not seen');
  });

  it('prints durations with their unit on the axes', async () => {
    const labels = await page.locator('figure[data-chart="replication-lag"] svg .role-axis-label text').allTextContents();
    expect(labels.some((l) => / ms$| s$/.test(l))).toBe(true);
  });

  it('draws the invalid-rate breakdown by failure kind and by source, with the max rate', async () => {
    const c = await chart('invalid-hourly_measurements');
    expect(Number(c.values[0]!.value)).toBeCloseTo(0.02, 5); // 2 of 100
    expect(c.values[0]!.threshold).toBe(0.05);
    expect(c.drawn).toBeGreaterThanOrEqual(3);
    expect(c.caption).toMatch(/2 of 100 documents/);
  });

  it('lists the invalid documents with id, field, value and message', async () => {
    const rows = page.locator('#invalid-documents tr.invalid-sample');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const text = (await page.locator('#invalid-documents').textContent()) ?? '';
    expect(text).toMatch(/pressure_hpa/);
    expect(text).toMatch(/1500/);
  });

  it('draws each quality rule against its own threshold; an all-zero measure is one line', async () => {
    const range = await chart('quality-range_violations');
    expect(range.values.map((v) => v.value)).toEqual([1]); // document #99 has pressure 1500 hPa
    expect(range.values.map((v) => v.threshold)).toEqual([5]);
    expect((await page.locator('body').textContent()) ?? '').not.toContain('all values are 0');
  });

  it('renders visible pixels, saved as a screenshot', async () => {
    const shot = await page.locator('figure[data-chart="replication-lag"] svg').screenshot();
    // A blank chart compresses to almost nothing; a drawn one does not.
    expect(shot.length).toBeGreaterThan(3_000);
    await page.screenshot({ path: outputPath('check-report.png'), fullPage: true });
  });
});
