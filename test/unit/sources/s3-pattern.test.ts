import { describe, expect, it } from 'vitest';
import { isS3Url, parseS3Pattern } from '../../../src/sources/s3-location.js';

describe('s3:// patterns', () => {
  it('split into the bucket, the key glob, and the literal prefix to list under', () => {
    expect(parseS3Pattern('s3://landing/airbyte/weather/*.jsonl')).toEqual({ bucket: 'landing', keyGlob: 'airbyte/weather/*.jsonl', listPrefix: 'airbyte/weather/' });
    expect(parseS3Pattern('s3://landing/airbyte/w*/2024-*.jsonl')).toEqual({ bucket: 'landing', keyGlob: 'airbyte/w*/2024-*.jsonl', listPrefix: 'airbyte/' });
    expect(parseS3Pattern('s3://landing/one/file.json')).toEqual({ bucket: 'landing', keyGlob: 'one/file.json', listPrefix: 'one/file.json' });
    expect(parseS3Pattern('s3://landing/**/*.csv')).toEqual({ bucket: 'landing', keyGlob: '**/*.csv', listPrefix: '' });
  });

  it('reject a URL without a bucket, and tell S3 URLs from paths', () => {
    expect(() => parseS3Pattern('s3:///x/*.jsonl')).toThrow(/expected s3:\/\/bucket\/prefix\/pattern/);
    expect(isS3Url('s3://b/k')).toBe(true);
    expect(isS3Url('data/s3://x')).toBe(false);
  });
});
