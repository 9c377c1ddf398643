import { describe, expect, it } from 'vitest';
import { cellValue, excelTimeText } from '../../../src/sources/wunderground/cells.js';

describe('exceljs cell values → text/numbers', () => {
  it('keeps strings and numbers, joins rich text, takes formula results', () => {
    expect(cellValue('56.8 °F')).toBe('56.8 °F');
    expect(cellValue(57)).toBe(57);
    expect(cellValue(null)).toBeNull();
    expect(cellValue({ richText: [{ text: '5' }, { text: '6 °F' }] })).toBe('56 °F');
    expect(cellValue({ formula: 'A1*2', result: 4 })).toBe(4);
    expect(cellValue({ text: 'link', hyperlink: 'http://x' })).toBe('link');
    expect(cellValue({ error: '#N/A' })).toBe('#N/A');
  });
  it('turns an Excel time-of-day cell into a clock string, a real date into ISO', () => {
    expect(cellValue(new Date(Date.UTC(1899, 11, 30, 0, 9)))).toBe('00:09:00');
    expect(cellValue(new Date(Date.UTC(2024, 9, 27, 13, 35)))).toBe('2024-10-27T13:35:00.000Z');
    expect(excelTimeText(0.5)).toBe('12:00:00');
  });
});
