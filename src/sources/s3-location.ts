import type { Readable } from 'node:stream';
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import picomatch from 'picomatch';
import { ErrorCode, ProoflineError, errorMessage } from '../errors.js';

/**
 * S3 and S3-compatible object stores (MinIO, Ceph, R2…) as a file location:
 * `s3://bucket/prefix/*.jsonl`. Credentials come from the standard AWS chain (environment,
 * shared config/credentials profile, web identity token, container and instance roles);
 * `endpoint` and `force_path_style` reach S3-compatible stores. Objects are listed under
 * the literal part of the pattern and matched with the glob; bodies are streamed.
 * The SDK is imported on first use: commands that never touch S3 do not load it.
 */

const sdk = async (): Promise<typeof S3Sdk> => import('@aws-sdk/client-s3');

export interface S3Options {
  endpoint?: string;
  region?: string;
  /** Bucket in the path (http://host/bucket/key): what most S3-compatible stores need. Default: on when an endpoint is set. */
  force_path_style?: boolean;
  /** A named profile of the shared AWS config files; default: AWS_PROFILE or "default". */
  profile?: string;
}

export const s3ConfigSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'for s3:// locations: endpoint and path style for S3-compatible stores; credentials always come from the AWS chain (env, profile, web identity)',
  properties: {
    endpoint: { type: 'string', pattern: '^https?://', description: 'e.g. http://127.0.0.1:9000 for MinIO' },
    region: { type: 'string', minLength: 1 },
    force_path_style: { type: 'boolean' },
    profile: { type: 'string', minLength: 1 },
  },
} as const;

export interface S3Object {
  url: string;
  bucket: string;
  key: string;
  size: number;
  etag: string;
  lastModifiedMs: number;
}

export const isS3Url = (s: string): boolean => s.startsWith('s3://');

/** `s3://bucket/a/b/*.jsonl` → bucket, the key glob, and the literal prefix to list under. */
export function parseS3Pattern(url: string): { bucket: string; keyGlob: string; listPrefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m || !m[1]) throw new ProoflineError(ErrorCode.CONFIG_INVALID, `${url}: expected s3://bucket/prefix/pattern`);
  const keyGlob = m[2] ?? '';
  const firstGlob = keyGlob.search(/[*?[{]/);
  const literal = firstGlob < 0 ? keyGlob : keyGlob.slice(0, firstGlob);
  return { bucket: m[1], keyGlob, listPrefix: firstGlob < 0 ? literal : literal.slice(0, literal.lastIndexOf('/') + 1) };
}

const clients = new Map<string, S3Client>();

export async function s3Client(o: S3Options = {}): Promise<S3Client> {
  const id = JSON.stringify([o.endpoint, o.region, o.force_path_style, o.profile]);
  let client = clients.get(id);
  if (!client) {
    const { S3Client } = await sdk();
    const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
    client = new S3Client({
      // Without a region the SDK refuses to sign; S3-compatible stores accept us-east-1.
      region: o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      ...(o.endpoint ? { endpoint: o.endpoint } : {}),
      forcePathStyle: o.force_path_style ?? Boolean(o.endpoint),
      credentials: fromNodeProviderChain(o.profile ? { profile: o.profile } : {}),
    });
    clients.set(id, client);
  }
  return client;
}

/** An S3 failure as a proofline error: names the bucket and the S3 error code, never credentials. */
async function s3Error(what: string, e: unknown): Promise<ProoflineError> {
  const { S3ServiceException } = await sdk();
  const service = e instanceof S3ServiceException ? e : undefined;
  const code = e instanceof Error ? e.name : 'Error';
  const status = service?.$metadata.httpStatusCode;
  const transient = status === undefined ? !service && code !== 'CredentialsProviderError' : status >= 500 || status === 429;
  // The code carries transient (ERROR_TABLE): unavailable is retried, a refusal (4xx, credentials) is not.
  return new ProoflineError(transient ? ErrorCode.SOURCE_UNAVAILABLE : ErrorCode.SOURCE_INVALID, `${what}: ${code}${status ? ` (HTTP ${status})` : ''}: ${errorMessage(e)}`, {
    cause: e,
    hint: 'check the bucket, the endpoint and the AWS credentials in the environment or profile',
  });
}

/** The objects matching an `s3://bucket/prefix/glob` pattern, in key order. */
export async function listS3Objects(pattern: string, o: S3Options = {}): Promise<S3Object[]> {
  const { bucket, keyGlob, listPrefix } = parseS3Pattern(pattern);
  const matches = picomatch(keyGlob, { dot: false });
  const out: S3Object[] = [];
  const { paginateListObjectsV2 } = await sdk();
  const client = await s3Client(o);
  try {
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, ...(listPrefix ? { Prefix: listPrefix } : {}) })) {
      for (const obj of page.Contents ?? []) {
        if (!obj.Key || obj.Key.endsWith('/') || !matches(obj.Key)) continue;
        out.push({
          url: `s3://${bucket}/${obj.Key}`,
          bucket,
          key: obj.Key,
          size: obj.Size ?? 0,
          etag: (obj.ETag ?? '').replace(/"/g, ''),
          lastModifiedMs: obj.LastModified?.getTime() ?? 0,
        });
      }
    }
  } catch (e) {
    throw await s3Error(`cannot list s3://${bucket}/${listPrefix}`, e);
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The object's body as a stream: nothing is buffered beyond what the reader consumes.
 * With the listed ETag as If-Match, the body read is the version the state will record
 * (an object replaced in between fails with PreconditionFailed and is re-read next run).
 */
export async function openS3Object(obj: Pick<S3Object, 'bucket' | 'key'> & { etag?: string }, o: S3Options = {}): Promise<Readable> {
  const { GetObjectCommand } = await sdk();
  const client = await s3Client(o);
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: obj.bucket, Key: obj.key, ...(obj.etag ? { IfMatch: `"${obj.etag}"` } : {}) }));
    return res.Body as Readable;
  } catch (e) {
    throw await s3Error(`cannot read s3://${obj.bucket}/${obj.key}`, e);
  }
}
