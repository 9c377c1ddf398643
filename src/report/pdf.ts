import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';

/**
 * `proofline report --pdf FILE`: the same HTML evidence printed to PDF by headless
 * Chromium (playwright-core drives the system's Chromium; it downloads no browser).
 */

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.PROOFLINE_CHROMIUM;
  const found = configured ? (existsSync(configured) ? configured : undefined) : CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new UsageError(
      `--pdf needs Chromium${configured ? ` (PROOFLINE_CHROMIUM=${configured} does not exist)` : ''}: install it (Debian/Ubuntu: apt-get install chromium) or set PROOFLINE_CHROMIUM to a Chromium or Chrome binary`,
    );
  }
  return found;
}

export async function htmlToPdf(html: string, out: string): Promise<void> {
  const executablePath = chromiumPath();
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({ path: out, format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  } finally {
    await browser.close();
  }
}
