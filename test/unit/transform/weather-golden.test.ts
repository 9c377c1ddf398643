import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { streamMapper } from '../../../src/transform/mapper.js';
import { ROOT } from '../../helpers.js';
import { WEATHER_DIR } from '../sources/collect.js';
import { mapAll, weatherRecords, type MappedOutcome } from './weather-golden-data.js';

/**
 * The weather pipeline's declarations (examples/weather/mappings/*.yaml) against the
 * golden fixture written by the hand-written TypeScript mappers they replaced, over the
 * sample data (which includes the autumn repeated hour and the spring gap): every
 * document field by field, every reject by source column, kind, raw value and location.
 */

const golden = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/weather-golden.json'), 'utf8')) as Record<string, MappedOutcome[]>;

describe('weather declarations vs the replaced mappers', async () => {
  const records = await weatherRecords();

  it('cover the same streams and the DST cases', () => {
    expect(Object.keys(records).sort()).toEqual(Object.keys(golden).sort());
    const wu = golden.wunderground_hourly!;
    expect(wu.some((o) => o.failures?.some((f) => f.rule === 'dst_gap'))).toBe(true);
    // The autumn repeated hour: two documents of one station at 00:xx and 01:xx UTC from the same 2:xx local rows.
    const ids = new Set(wu.filter((o) => o.doc).map((o) => `${String(o.doc!.id_station)} ${String(o.doc!.dh_utc)}`));
    expect(ids.has('ILAMAD25 2024-10-27T00:34:00.000Z') && ids.has('ILAMAD25 2024-10-27T01:34:00.000Z')).toBe(true);
  });

  for (const stream of Object.keys(golden).sort()) {
    it(`${stream}: identical documents and rejects`, async () => {
      const mapper = streamMapper(join('mappings', `${stream}.yaml`), WEATHER_DIR, stream);
      const mapped = await mapAll(mapper, stream, records[stream]!);
      expect(mapped.length).toBe(golden[stream]!.length);
      expect(mapped).toEqual(golden[stream]);
    });
  }
});
