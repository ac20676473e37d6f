import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { PrismaClient } from '../../generated/prisma/client';

/**
 * Where the bytes of evidence files live, behind two calls, so the metadata (table Attachment, with the checksum)
 * stays in PostgreSQL whichever store holds the bytes. `storage` names the store in each row: a file stays readable
 * from the store it was written to.
 */
export interface AttachmentStore {
  readonly storage: 'postgres' | 's3';
  put(key: string, bytes: Uint8Array, contentType: string): Promise<void>;
  /** The bytes stored under `key`; null when there are none. */
  get(key: string): Promise<Uint8Array | null>;
}

/** The default: bytes in the table AttachmentContent (bytea), in the same database as everything else. */
export function createPostgresAttachmentStore(db: PrismaClient): AttachmentStore {
  return {
    storage: 'postgres',
    async put(key, bytes) {
      // Keys are new UUIDs: an upsert only makes a retried put harmless.
      const content = Uint8Array.from(bytes);
      await db.attachmentContent.upsert({ where: { key }, create: { key, content }, update: { content } });
    },
    async get(key) {
      const row = await db.attachmentContent.findUnique({ where: { key } });
      return row ? new Uint8Array(row.content) : null;
    },
  };
}

export interface S3StoreSettings {
  endpoint?: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region?: string;
}

/** The S3 client for an S3-compatible server (MinIO): path-style addressing, as MinIO serves buckets without DNS names. */
export function createS3Client(s: S3StoreSettings): S3Client {
  return new S3Client({
    ...(s.endpoint && { endpoint: s.endpoint }),
    region: s.region ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: s.accessKey, secretAccessKey: s.secretKey },
  });
}

/** Bytes as objects `attachments/<key>` in the bucket. The client comes from the composition root (or a test's stub). */
export function createS3AttachmentStore(client: Pick<S3Client, 'send'>, bucket: string): AttachmentStore {
  const objectKey = (key: string) => `attachments/${key}`;
  return {
    storage: 's3',
    async put(key, bytes, contentType) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey(key), Body: bytes, ContentType: contentType, ContentLength: bytes.length }));
    },
    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        return out.Body ? await out.Body.transformToByteArray() : null;
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
        throw err;
      }
    },
  };
}
