import { describe, expect, it } from 'vitest';
import { redactText, redactUri, rememberSecrets, secretsOf, uriHosts } from '../../../src/common/redact.js';

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

describe('redact, whatever the URI looks like', () => {
  const cases: Array<[string, string[]]> = [
    ['mongodb://user:S3cret/Passw0rd@127.0.0.1:27017/', ['S3cret/Passw0rd', 'S3cret', 'Passw0rd']],
    ['mongodb://user:S3cret@Passw0rd@127.0.0.1:27017/', ['S3cret', 'Passw0rd']],
    ['mongodb://user:S3cretPassw0rd@h1:1,user:S3cretPassw0rd@h2:2/db', ['S3cretPassw0rd']],
    ['mongodb+srv://user:S3cret%2FPassw0rd@cluster0.example.net/db', ['S3cret%2FPassw0rd', 'S3cret/Passw0rd']],
    ['mongodb://h:1/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:T0kenValue99', ['T0kenValue99']],
    ['mongodb://h:1/?tls=true&tlsCertificateKeyFilePassword=KeyPassw0rd', ['KeyPassw0rd']],
  ];

  it.each(cases)('%s never shows its secrets', (uri, secrets) => {
    const text = `failed to connect to ${uri} after 3 tries`;
    for (const s of secrets) expect(redactText(text)).not.toContain(s);
    expect(redactText(text)).toContain('after 3 tries');
  });

  it('remembers a configured password with a blank in it, whole and in pieces', () => {
    rememberSecrets('mongodb://u:Bl4nk Passw0rd@127.0.0.1:1/');
    const msg = redactText('Unable to parse u:Bl4nk Passw0rd@127.0.0.1:1 with URL; near Passw0rd@127.0.0.1');
    expect(msg).not.toContain('Bl4nk');
    expect(msg).not.toContain('Passw0rd');
  });

  it('takes the host list after the last @, so a label never holds a password', () => {
    expect(uriHosts('mongodb://user:S3cret/Passw0rd@127.0.0.1:27017/')).toBe('127.0.0.1:27017');
    expect(uriHosts('mongodb://user:S3cret@Passw0rd@127.0.0.1:27017/db')).toBe('127.0.0.1:27017');
    expect(uriHosts('mongodb://u:a@h1:1,u:b@h2:2/db')).toBe('h2:2');
  });

  it('scrubs a remembered password where a driver quotes it without its scheme', () => {
    rememberSecrets('mongodb://user:Qu0tedS3cret@Frag99@127.0.0.1:27017/');
    const msg = redactText('Unable to parse user:Qu0tedS3cret with URL; host Frag99@127.0.0.1:27017 is unreachable');
    expect(msg).not.toContain('Qu0tedS3cret');
    expect(msg).not.toContain('Frag99');
    expect(secretsOf('mongodb://127.0.0.1:27017/')).toEqual([]);
  });
});
