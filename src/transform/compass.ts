/**
 * Compass text → degrees. The 16 points of the rose (N, NNE … NNW) and the spelled-out
 * cardinals, case-insensitive. "Calm" and "Variable" mean there is no direction: null.
 * Anything else returns undefined so the mapper can reject it with the raw value.
 */

const POINTS = ['N', 'NNE', 'NE', 'ENE', 'E', 'ESE', 'SE', 'SSE', 'S', 'SSW', 'SW', 'WSW', 'W', 'WNW', 'NW', 'NNW'] as const;

const DEGREES: ReadonlyMap<string, number | null> = new Map<string, number | null>([
  ...POINTS.map((p, i) => [p, i * 22.5] as [string, number]),
  ['NORTH', 0],
  ['EAST', 90],
  ['SOUTH', 180],
  ['WEST', 270],
  ['CALM', null],
  ['VAR', null],
  ['VARIABLE', null],
]);

/** Degrees for a compass text; null for empty/calm/variable; undefined when not a direction. */
export function compassToDegrees(text: string): number | null | undefined {
  const key = text.replace(/[\s\u00a0\u202f.]/g, '').toUpperCase();
  if (key === '' || key === '-' || key === '--') return null;
  return DEGREES.get(key);
}
