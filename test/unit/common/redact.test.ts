import { describe, expect, it } from 'vitest';
import { redactText, redactUri, uriHosts } from '../../../src/common/redact.js';

describe('redact', () => {
  it('hides user and password of any URI', () => {
    expect(redactUri('mongodb://alice:s3cret@db1:27017,db2:27017/weather?replicaSet=rs0')).toBe('mongodb://***@db1:27017,db2:27017/weather?replicaSet=rs0');
    expect(redactUri('mongodb+srv://bob:pa%40ss@cluster0.example.net/')).toBe('mongodb+srv://***@cluster0.example.net/');
    expect(redactUri('postgres://postgres:pw@127.0.0.1:5432/ferretdb')).toBe('postgres://***@127.0.0.1:5432/ferretdb');
  });

  it('hides secrets passed as query parameters', () => {
    expect(redactUri('mongodb://h/?authMechanism=PLAIN&password=hunter2&tls=true')).toBe('mongodb://h/?authMechanism=PLAIN&password=***&tls=true');
  });

  it('finds URIs inside free text such as driver error messages', () => {
    const msg = 'connect ECONNREFUSED for mongodb://admin:topsecret@10.0.0.1:27017/admin, retrying';
    expect(redactText(msg)).not.toContain('topsecret');
    expect(redactText(msg)).toContain('mongodb://***@10.0.0.1:27017/admin');
  });

  it('leaves credential-free text alone', () => {
    expect(redactText('mongodb://127.0.0.1:27017/')).toBe('mongodb://127.0.0.1:27017/');
  });

  it('extracts the host list without credentials', () => {
    expect(uriHosts('mongodb://u:p@a:1,b:2/db?x=1')).toBe('a:1,b:2');
    expect(uriHosts('mongodb://127.0.0.1:27018/')).toBe('127.0.0.1:27018');
  });
});
