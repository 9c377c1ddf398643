import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { esc } from '../escape.js';

/**
 * Vega-Lite specs rendered server-side to static SVG (vega's headless View, no canvas,
 * no browser): the report stays one self-contained file that needs no script to read.
 * Rendering is pure: a spec in, SVG text out.
 */

export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface Figure {
  /** Stable id for readers and tests (`data-chart`). */
  id: string;
  caption: string;
  spec: TopLevelSpec;
  /** The plotted values, kept on the figure for tests and for readers who copy them. */
  values: unknown[];
}

/** A captioned figure; the SVG scales down to the content width. */
export async function figure(f: Figure): Promise<string> {
  // Inline in HTML the namespace declarations are implied; dropping them keeps the page free of URLs.
  const svg = (await specToSvg(f.spec))
    .replace(/ xmlns(:xlink)?="[^"]*"/g, '')
    .replace('<svg ', `<svg data-chart="${esc(f.id)}" role="img" aria-label="${esc(f.caption)}" `).replace('class="marks"', 'class="marks chart"');
  return `<figure class="chart-figure" data-chart="${esc(f.id)}" data-points="${f.values.length}" data-values="${esc(JSON.stringify(f.values))}"><figcaption>${esc(f.caption)}</figcaption>${svg}</figure>`;
}

/**
 * When every value is 0 there is nothing to draw: one line says so with the count and
 * the threshold ("0 of 7 rules, threshold ≤ 5 violations") instead of 300 px of empty frame.
 */
export async function figureOrZeroRow(f: Figure, values: (number | null)[], zeroText: string): Promise<string> {
  const measured = values.filter((v): v is number => v !== null);
  if (measured.length && measured.every((v) => v === 0)) return `<p class="zero-row" data-chart="${esc(f.id)}"><span class="pass">✓</span> ${esc(f.caption)}: ${esc(zeroText)}</p>`;
  return figure(f);
}
