import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

const base = { name: 'p', mongodb: { uri: 'mongodb://127.0.0.1:27017/', database: 'weather' } };

function errorOf(raw: unknown, env: NodeJS.ProcessEnv = {}): ConfigError {
  try {
    parseConfig(raw, 'pipeline.yaml', env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('pipeline config', () => {
  it('applies defaults', () => {
    const c = parseConfig(base, 'pipeline.yaml', {});
    expect(c.mongodb.timeout_ms).toBe(5000);
    expect(c.mongodb.replicas).toEqual([]);
    expect(c.version).toBe(1);
  });

  it('names an unknown key', () => {
    expect(errorOf({ ...base, mongdb: {} }).message).toContain('mongdb: is not a known key');
    expect(errorOf({ ...base, mongodb: { ...base.mongodb, databse: 'x' } }).message).toContain('mongodb.databse: is not a known key');
  });

  it('names a missing key and a wrong value with what was expected', () => {
    expect(errorOf({ name: 'p', mongodb: { uri: 'mongodb://h/' } }).message).toContain('mongodb.database: is required');
    expect(errorOf({ ...base, mongodb: { ...base.mongodb, uri: 'http://h/' } }).message).toContain('mongodb.uri: must be a mongodb:// or mongodb+srv:// URI');
    expect(errorOf({ ...base, mongodb: { ...base.mongodb, timeout_ms: 'soon' } }).message).toContain('mongodb.timeout_ms: must be integer');
  });

  it('splits MONGODB_REPLICA_URIS at each URI, not inside a multi-host URI', () => {
    const list = 'mongodb://u:p@a:27017,b:27017/?replicaSet=rs0&readPreference=secondary, mongodb+srv://c.example.net/,mongodb://d:1/';
    const c = parseConfig(base, 'pipeline.yaml', { MONGODB_REPLICA_URIS: list });
    expect(c.mongodb.replicas).toEqual(['mongodb://u:p@a:27017,b:27017/?replicaSet=rs0&readPreference=secondary', 'mongodb+srv://c.example.net/', 'mongodb://d:1/']);
  });

  it('lets MONGODB_URI and MONGODB_REPLICA_URIS override the file', () => {
    const c = parseConfig(base, 'pipeline.yaml', { MONGODB_URI: 'mongodb://other:27017/', MONGODB_REPLICA_URIS: 'mongodb://r1:1/, mongodb://r2:2/' });
    expect(c.mongodb.uri).toBe('mongodb://other:27017/');
    expect(c.mongodb.replicas).toEqual(['mongodb://r1:1/', 'mongodb://r2:2/']);
    expect(parseConfig(base, 'pipeline.yaml', { PROOFLINE_POSTGRES_URL: 'postgres://u@h:5/db' }).mongodb.postgres_url).toBe('postgres://u@h:5/db');
  });

  it('rejects a config that is not a mapping', () => {
    expect(errorOf(['a']).message).toContain('must be a YAML mapping');
  });
});
