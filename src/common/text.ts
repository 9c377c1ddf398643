/**
 * The noise of cells and headers as spreadsheet exports and JSON APIs write them, read
 * the same way by the sources (finding a header row) and the mappings (reading a value).
 */

// Non-breaking and other unusual spaces seen in exports: NBSP, narrow NBSP, figure space, thin space.
const ODD_SPACES = /[\u00a0\u202f\u2007\u2009\u200b\ufeff]/g;
// Variant degree signs (degree, masculine ordinal, ring above) all mean "degree".
const DEGREE_VARIANTS = /[°º˚]/g;
// Text with none of that noise (printable ASCII, single inner spaces): the common cell.
const PLAIN = /^(?:[!-~]+(?: [!-~]+)*)?$/;

/** Collapse the noise of one cell: odd spaces → space, degree variants → `°`, trimmed. */
export function cleanText(raw: string): string {
  if (PLAIN.test(raw)) return raw;
  return raw.replace(ODD_SPACES, ' ').replace(DEGREE_VARIANTS, '°').replace(/\s+/g, ' ').trim();
}

/** "Precip. Rate." → "preciprate": headers vary in case, dots and spaces between exports. */
export function columnKey(header: string): string {
  return cleanText(header).toLowerCase().replace(/[^a-z0-9]/g, '');
}
