import { describe, expect, it } from 'vitest';
import { ResponseCache, memoLast } from '../../../src/monitor/response-cache.js';

describe('the API answer cache shared by every dashboard', () => {
  it('builds once per key within the ttl, again after it', async () => {
    let now = 0;
    let builds = 0;
    const cache = new ResponseCache(1000, 8, () => now);
    const build = async () => `v${++builds}`;
    const answers = await Promise.all(Array.from({ length: 50 }, () => cache.answer('/api/status', build)));
    expect(new Set(answers)).toEqual(new Set(['v1']));
    now = 999;
    expect(await cache.answer('/api/status', build)).toBe('v1');
    now = 1000;
    expect(await cache.answer('/api/status', build)).toBe('v2');
  });

  it('keeps at most maxEntries keys, dropping the oldest', async () => {
    const cache = new ResponseCache(1000, 3, () => 0);
    for (let i = 0; i < 10; i++) await cache.answer(`/api/history?limit=${i + 1}`, async () => String(i));
    expect(cache.size).toBe(3);
    let rebuilt = false;
    await cache.answer('/api/history?limit=1', async () => ((rebuilt = true), 'again'));
    expect(rebuilt).toBe(true);
  });

  it('does not keep a failed build', async () => {
    const cache = new ResponseCache(1000, 8, () => 0);
    await expect(cache.answer('k', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    await Promise.resolve();
    expect(await cache.answer('k', async () => 'ok')).toBe('ok');
  });

  it('serialises one event once for every stream, a new event anew', () => {
    let n = 0;
    const frame = memoLast((event, data) => `${event}:${JSON.stringify(data)}:${++n}`);
    const e = { check: 'schema' };
    expect([frame('check', e), frame('check', e), frame('check', e)]).toEqual(['check:{"check":"schema"}:1', 'check:{"check":"schema"}:1', 'check:{"check":"schema"}:1']);
    expect(frame('check', { check: 'schema' })).toBe('check:{"check":"schema"}:2');
    expect(frame('alert', e)).toBe('alert:{"check":"schema"}:3');
  });
});
