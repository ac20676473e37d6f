import { PutObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { createS3AttachmentStore } from '../../src/api/attachments/attachment-store';
import { attachmentIdsSchema, attachmentName, refuseAttachmentUpload, sniffContentType, stripJpegApp1, stripLocation, stripPngLocation } from '../../src/domain/attachments';
import type { Actor } from '../../src/domain/roles';
import { configSchema } from '../../src/config';
import { gpsInfoTag, jpegWithGps, pdf, png } from '../support/image-bytes';

const actor = (role: Actor['role'], jurisdictionCode: string): Actor => ({ userId: 'u1', username: 'u', role, jurisdictionCode, department: null }) as Actor;

describe('sniffContentType: by content, never by name', () => {
  test('JPEG, PNG and PDF by their magic bytes; anything else is null', () => {
    expect(sniffContentType(jpegWithGps())).toBe('image/jpeg');
    expect(sniffContentType(png())).toBe('image/png');
    expect(sniffContentType(pdf())).toBe('application/pdf');
    expect(sniffContentType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffContentType(Buffer.from('<html>%PDF-'))).toBeNull();
    expect(sniffContentType(Buffer.alloc(0))).toBeNull();
  });
});

describe('location data', () => {
  test('a JPEG loses its APP1 (Exif with the GPS IFD) and keeps every other segment byte for byte', () => {
    const original = jpegWithGps();
    expect(original.includes(gpsInfoTag)).toBe(true);
    const stripped = stripJpegApp1(original)!;
    expect(stripped.removed).toBe(1);
    const out = Buffer.from(stripped.bytes);
    expect(out.includes(Buffer.from('Exif'))).toBe(false);
    expect(out.includes(gpsInfoTag)).toBe(false);
    // Exactly the JPEG built without the Exif segment.
    expect(out.equals(jpegWithGps({ withExif: false }))).toBe(true);
  });

  test('a JPEG without APP1 comes out unchanged; a truncated one is refused (null)', () => {
    const plain = jpegWithGps({ withExif: false });
    expect(Buffer.from(stripJpegApp1(plain)!.bytes).equals(plain)).toBe(true);
    expect(stripJpegApp1(jpegWithGps().subarray(0, 30))).toBeNull();
  });

  test('a PNG loses an eXIf chunk', () => {
    const base = png();
    const exif = Buffer.from([0, 0, 0, 4, ...Buffer.from('eXIf'), 1, 2, 3, 4, 0, 0, 0, 0]);
    const withExif = Buffer.concat([base.subarray(0, 33), exif, base.subarray(33)]);
    const out = stripPngLocation(withExif)!;
    expect(out.removed).toBe(1);
    expect(Buffer.from(out.bytes).equals(base)).toBe(true);
  });

  test('ATTACHMENT_KEEP_LOCATION keeps the file as uploaded; PDFs are never changed', () => {
    const jpeg = jpegWithGps();
    expect(stripLocation(jpeg, 'image/jpeg', true)).toBe(jpeg);
    expect(stripLocation(pdf(), 'application/pdf', false)).toEqual(pdf());
  });
});

test('names: the last path part, without control characters; a default when empty', () => {
  expect(attachmentName('C:\\照片\\入户照片.jpg', 'image/jpeg')).toBe('入户照片.jpg');
  expect(attachmentName('a\u0000b"c.pdf', 'application/pdf')).toBe('abc.pdf');
  expect(attachmentName('', 'image/png')).toBe('佐证材料.png');
});

test('uploads: caseworkers of the case’s area and the district; admins read only', () => {
  expect(refuseAttachmentUpload(actor('VILLAGE_CASEWORKER', '500154017001'), '500154017001')).toBeNull();
  expect(refuseAttachmentUpload(actor('TOWN_REVIEWER', '500154017'), '500154017001')).toBeNull();
  expect(refuseAttachmentUpload(actor('DISTRICT_APPROVER', '500154'), '500154017001')).toBeNull();
  expect(refuseAttachmentUpload(actor('ADMIN', '500154'), '500154017001')?.code).toBe('FORBIDDEN');
  expect(refuseAttachmentUpload(actor('VILLAGE_CASEWORKER', '500154017002'), '500154017001')?.code).toBe('FORBIDDEN');
});

test('attachment ids: UUIDs, no repeats, at most 20', () => {
  const id = '3f1c2a9e-8d7b-4c55-9a61-2b0e4d6f7a81';
  expect(attachmentIdsSchema.safeParse([id]).success).toBe(true);
  expect(attachmentIdsSchema.safeParse([id, id]).success).toBe(false);
  expect(attachmentIdsSchema.safeParse(['x']).success).toBe(false);
});

describe('the S3 store (request shape only: no S3 server runs in the tests)', () => {
  test('put sends the bytes to attachments/<key> in the bucket with the content type; get reads them back; a missing key is null', async () => {
    const sent: unknown[] = [];
    const client = {
      send: async (command: unknown) => {
        sent.push(command);
        if (command instanceof GetObjectCommand) {
          if (command.input.Key === 'attachments/missing') throw Object.assign(new Error('no such key'), { name: 'NoSuchKey' });
          return { Body: { transformToByteArray: async () => new Uint8Array([1, 2, 3]) } };
        }
        return {};
      },
    };
    const store = createS3AttachmentStore(client as never, 'evidence');
    await store.put('k1', new Uint8Array([1, 2, 3]), 'image/png');
    expect(sent[0]).toBeInstanceOf(PutObjectCommand);
    expect((sent[0] as PutObjectCommand).input).toMatchObject({ Bucket: 'evidence', Key: 'attachments/k1', ContentType: 'image/png', ContentLength: 3 });
    expect(await store.get('k1')).toEqual(new Uint8Array([1, 2, 3]));
    expect((sent[1] as GetObjectCommand).input).toEqual({ Bucket: 'evidence', Key: 'attachments/k1' });
    expect(await store.get('missing')).toBeNull();
  });
});

describe('configuration', () => {
  test('defaults: PostgreSQL, 10 MB, location stripped', () => {
    const c = configSchema.parse({ APP_MODE: 'demo' });
    expect([c.ATTACHMENT_STORE, c.ATTACHMENT_MAX_BYTES, c.ATTACHMENT_KEEP_LOCATION]).toEqual(['postgres', 10 * 1024 * 1024, false]);
    expect(configSchema.parse({ APP_MODE: 'demo', ATTACHMENT_KEEP_LOCATION: 'true' }).ATTACHMENT_KEEP_LOCATION).toBe(true);
  });
  test('the S3 store needs its bucket and keys; bad values name the variable', () => {
    const r = configSchema.safeParse({ APP_MODE: 'demo', ATTACHMENT_STORE: 's3', S3_ENDPOINT: 'http://minio:9000' });
    expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.')).sort()).toEqual(['S3_ACCESS_KEY', 'S3_BUCKET', 'S3_SECRET_KEY']);
    const bad = configSchema.safeParse({ APP_MODE: 'demo', ATTACHMENT_STORE: 'disk', ATTACHMENT_KEEP_LOCATION: 'yes' });
    expect(bad.success ? [] : bad.error.issues.map((i) => i.path.join('.')).sort()).toEqual(['ATTACHMENT_KEEP_LOCATION', 'ATTACHMENT_STORE']);
  });
});
