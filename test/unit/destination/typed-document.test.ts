import { describe, it, expect } from 'vitest';
import { safeKeys } from '../../../src/destination/safe-keys.js';
import { parseTimestamp, timestampPaths, typeDocument } from '../../../src/destination/typed-document.js';
import { collectionFor, driverOptions, parseDestinationConfig } from '../../../src/destination/config.js';

describe('typed documents', () => {
  const schema = {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      updated_at: { type: 'string', format: 'date-time' },
      created_at: { type: 'string', airbyte_type: 'timestamp_without_timezone' },
      address: { type: 'object', properties: { moved_at: { type: ['null', 'string'], format: 'date-time' } } },
    },
  };

  it('finds the timestamp fields of a stream schema, nested ones included', () => {
    expect(timestampPaths(schema)).toEqual([['updated_at'], ['created_at'], ['address', 'moved_at']]);
    expect(timestampPaths(undefined)).toEqual([]);
  });

  it('turns declared timestamps into dates (no offset means UTC) and leaves the rest as sent', () => {
    const doc = typeDocument({ id: 1, updated_at: '2024-10-27T02:04:00+02:00', created_at: '2008-09-13T12:39:02.833704', address: { moved_at: 'not a date' }, other: '2024-01-01' }, timestampPaths(schema));
    expect(doc.updated_at).toEqual(new Date('2024-10-27T00:04:00Z'));
    expect(doc.created_at).toEqual(new Date('2008-09-13T12:39:02.833Z'));
    expect(doc.address).toEqual({ moved_at: 'not a date' });
    expect(doc.other).toBe('2024-01-01');
    expect(parseTimestamp('2024-10-05 00:00:00')).toEqual(new Date('2024-10-05T00:00:00Z'));
  });

  it('makes field names storable without losing them', () => {
    const at = new Date(0);
    expect(safeKeys({ 'Precip. Rate.': 1, $where: { 'a.b': [{ 'c.d': 2 }] }, at })).toEqual({ 'Precip． Rate．': 1, '＄where': { 'a．b': [{ 'c．d': 2 }] }, at });
  });
});

describe('destination config', () => {
  it('maps TLS settings to driver options, with explicit options last', () => {
    const cfg = parseDestinationConfig({ uri: 'mongodb://h/', database: 'd', tls: { ca_file: '/certs/global-bundle.pem' }, options: { retryWrites: false, replicaSet: 'rs0' } });
    expect(driverOptions(cfg)).toEqual({ tls: true, tlsCAFile: '/certs/global-bundle.pem', retryWrites: false, replicaSet: 'rs0' });
    expect(cfg.batch_size).toBe(1000);
  });

  it('names collections from the stream settings, else prefix + namespace + name', () => {
    const cfg = parseDestinationConfig({ uri: 'mongodb://h/', database: 'd', collection_prefix: 'ab_', streams: [{ name: 'users', collection: 'people' }] });
    expect(collectionFor(cfg, 'users')).toBe('people');
    expect(collectionFor(cfg, 'orders', 'shop')).toBe('ab_shop_orders');
  });

  it('says which key is wrong', () => {
    expect(() => parseDestinationConfig({ uri: 'http://x', database: 'd' })).toThrow(/uri: must (match|be)/);
    expect(() => parseDestinationConfig({ uri: 'mongodb://h/', database: 'd', streams: [{ collection: 'x' }] })).toThrow(/streams\.0\.name: is required/);
  });
});
