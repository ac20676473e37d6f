import { z } from 'zod';
import { ErrorCode, type Refusal } from './errors';
import { isWithin } from './jurisdictions';
import type { Actor, Role } from './roles';

/**
 * 佐证材料 (evidence files) of a case of any process: which files are accepted (by their content, never their name),
 * how photos lose their location before they are stored, and who may add or read them. Pure: no I/O.
 */

export const attachmentContentTypes = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export type AttachmentContentType = (typeof attachmentContentTypes)[number];

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

/** The file's type from its first bytes (JPEG FF D8 FF, PNG's 8-byte signature, PDF `%PDF-`); null for anything else. */
export function sniffContentType(bytes: Uint8Array): AttachmentContentType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

/**
 * A JPEG without its APP1 segments (Exif, which holds the GPS IFD, and XMP, which can repeat it); every other segment
 * and the image data are kept byte for byte. Removing the whole Exif block rather than only its GPS IFD is the
 * simple, verifiable choice: the offsets inside Exif make a partial edit easy to get wrong. Also drops the
 * orientation tag, so a phone photo may show rotated. Returns the input unchanged when it is not a well-formed JPEG
 * up to its scan (the caller stores it as it came only if `keepLocation`; see `stripLocation`).
 */
export function stripJpegApp1(bytes: Uint8Array): { bytes: Uint8Array; removed: number } | null {
  if (!startsWith(bytes, [0xff, 0xd8])) return null;
  const kept: Uint8Array[] = [bytes.subarray(0, 2)];
  let removed = 0;
  let i = 2;
  while (i < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    // Fill bytes before a marker.
    let m = i + 1;
    while (m < bytes.length && bytes[m] === 0xff) m++;
    if (m >= bytes.length) return null;
    const marker = bytes[m];
    const segmentStart = i;
    // Markers without a length: TEM, RSTn, EOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      kept.push(bytes.subarray(segmentStart, m + 1));
      i = m + 1;
      continue;
    }
    if (marker === 0xd9) {
      kept.push(bytes.subarray(segmentStart));
      break;
    }
    if (m + 2 >= bytes.length) return null;
    const length = (bytes[m + 1] << 8) | bytes[m + 2];
    if (length < 2 || m + 1 + length > bytes.length) return null;
    const end = m + 1 + length;
    if (marker === 0xda) {
      // Start of scan: the compressed image follows, to the end of the file; nothing after it is metadata we parse.
      kept.push(bytes.subarray(segmentStart));
      break;
    }
    if (marker === 0xe1) removed++;
    else kept.push(bytes.subarray(segmentStart, end));
    i = end;
  }
  return { bytes: joined(kept), removed };
}

/** The parts one after another, as one array. */
function joined(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const pngSignatureLength = 8;
const textOf = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/** A PNG without its `eXIf` chunk and XMP text chunk (iTXt `XML:com.adobe.xmp`), the two places a PNG carries EXIF/GPS. */
export function stripPngLocation(bytes: Uint8Array): { bytes: Uint8Array; removed: number } | null {
  const kept: Uint8Array[] = [bytes.subarray(0, pngSignatureLength)];
  let removed = 0;
  let i = pngSignatureLength;
  while (i < bytes.length) {
    if (i + 12 > bytes.length) return null;
    const length = ((bytes[i] << 24) >>> 0) + (bytes[i + 1] << 16) + (bytes[i + 2] << 8) + bytes[i + 3];
    const end = i + 12 + length;
    if (end > bytes.length) return null;
    const type = textOf(bytes, i + 4, i + 8);
    const xmp = type === 'iTXt' && textOf(bytes, i + 8, Math.min(i + 8 + 17, end)) === 'XML:com.adobe.xmp';
    if (type === 'eXIf' || xmp) removed++;
    else kept.push(bytes.subarray(i, end));
    i = end;
    if (type === 'IEND') break;
  }
  return { bytes: joined(kept), removed };
}

/**
 * What is stored of an uploaded file: photos without their location metadata (JPEG APP1, PNG eXIf/XMP) unless
 * `keepLocation`; PDFs as they came. A photo whose structure cannot be walked is refused rather than stored with its
 * metadata (null).
 */
export function stripLocation(bytes: Uint8Array, contentType: AttachmentContentType, keepLocation: boolean): Uint8Array | null {
  if (keepLocation || contentType === 'application/pdf') return bytes;
  const stripped = contentType === 'image/jpeg' ? stripJpegApp1(bytes) : stripPngLocation(bytes);
  return stripped?.bytes ?? null;
}

/** What the file's name may be when stored and shown: its last path part, without control characters, at most 200 characters. */
export function attachmentName(original: string | undefined, contentType: AttachmentContentType): string {
  const base = (original ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 200);
  const extension = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' }[contentType];
  return clean || `佐证材料.${extension}`;
}

/** Roles that act on cases within their jurisdiction: they add evidence. Admins read cases but do not act on them. */
const uploaders: readonly Role[] = ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER'];

/** Why `actor`, who may read the case (its scope is the caller's check: 404 outside), may not add a file to it; null when they may. */
export function refuseAttachmentUpload(actor: Actor, caseJurisdiction: string): Refusal | null {
  if (!uploaders.includes(actor.role)) {
    return { code: ErrorCode.FORBIDDEN, reason: '只有案件所在村、乡镇和区级经办人员可以上传佐证材料，系统管理员只能查看' };
  }
  if (!isWithin(caseJurisdiction, actor.jurisdictionCode)) return { code: ErrorCode.FORBIDDEN, reason: '该案件不在您的辖区内' };
  return null;
}

/** The reference of an attachment's case, whatever its process. */
export interface CaseRef {
  process: string;
  caseId: string;
}

/** Attachment ids as a decision (and later a visit, objection or measure) names them: UUIDs, at most 20. */
export const attachmentIdsSchema = z
  .array(z.uuid({ error: '佐证材料编号应为上传时返回的 id（UUID）' }), { error: '佐证材料应为编号数组，例如 ["3f1c2a9e-…"]' })
  .max(20, '一次最多引用20份佐证材料')
  .refine((ids) => new Set(ids).size === ids.length, '佐证材料编号不能重复')
  .meta({ description: '引用本案件已上传的佐证材料（上传时返回的 id），时间线在该记录旁显示' });

export const attachmentParamsSchema = z.object({
  attachmentId: z.uuid({ error: '佐证材料编号应为 UUID' }),
});
