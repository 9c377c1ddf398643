import { describe, expect, it } from 'vitest';
import { BadRequest, parseHistoryQuery, parseRunsQuery } from '../../../src/monitor/api.js';

const names = ['availability', 'replication'];
const q = (s: string) => new URLSearchParams(s);

describe('API query validation', () => {
  it('accepts the whitelisted check names and bounded integer limits', () => {
    expect(parseHistoryQuery(q('check=availability&limit=10'), names)).toEqual({ check: 'availability', limit: 10 });
    expect(parseHistoryQuery(q(''), names)).toEqual({ limit: 100 });
    expect(parseRunsQuery(q('limit=1000'))).toEqual({ limit: 1000 });
  });

  it.each([
    'check[$ne]=x',
    'check=%24ne',
    'check=schema',
    'limit=%7B%22%24gt%22%3A0%7D',
    'limit=0',
    'limit=1001',
    'limit=12.5',
    'limit= 5',
    'limit=0x10',
    'check=availability&check=replication',
    'other=1',
  ])('rejects %s', (s) => {
    expect(() => parseHistoryQuery(q(s), names)).toThrow(BadRequest);
  });
});
