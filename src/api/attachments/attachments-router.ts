import { createHash, randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import type { Refusal } from '../../domain/errors';
import { attachmentName, attachmentParamsSchema, sniffContentType, stripLocation, type AttachmentContentType, type CaseRef } from '../../domain/attachments';
import { maskPersonalDataInText } from '../../domain/personal-data';
import type { Actor } from '../../domain/roles';
import type { Attachment, PrismaClient } from '../../generated/prisma/client';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import type { AttachmentStore } from './attachment-store';

/** ATTACHMENT_MAX_BYTES's default (src/config.ts), for an app built without it. */
export const defaultAttachmentMaxBytes = 10 * 1024 * 1024;

export interface AttachmentSettings {
  store: AttachmentStore;
  maxBytes: number;
  /** ATTACHMENT_KEEP_LOCATION: store photos with their EXIF GPS. */
  keepLocation: boolean;
}

/** A case an attachment route serves: its reference, and why an actor who may read it may not add files (its process's rule). */
export interface AttachableCase extends CaseRef {
  refuseUpload(actor: Actor): Refusal | null;
}

/**
 * The case `caseId` as `actor` may read it, or null: unknown or outside their scope, both answered 404. Each process
 * passes its own, so one router serves the evidence files of monitoring, relocation and cooperation cases alike.
 */
export type FindCase = (caseId: string, actor: Actor) => Promise<AttachableCase | null>;

const fileProblem = (message: string) => HttpError.validation([{ path: 'file', message }]);
const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function attachmentView(a: Attachment, usernames: ReadonlyMap<string, string>) {
  return {
    id: a.id,
    // People name files after what they show: numbers in a name are masked as in every view (the stored name is whole).
    name: maskPersonalDataInText(a.name),
    contentType: a.contentType as AttachmentContentType,
    size: a.size,
    sha256: a.sha256,
    uploadedBy: usernames.get(a.uploadedById) ?? a.uploadedById,
    uploadedAt: a.uploadedAt.toISOString(),
  };
}

/** RFC 6266: an ASCII fallback name and the real one (RFC 5987). */
function contentDisposition(res: Response, name: string, id: string, extension: string) {
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  res.set('Content-Disposition', `attachment; filename="attachment-${id}.${extension}"; filename*=UTF-8''${encoded}`);
}
const extensions: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' };

/**
 * 佐证材料 of one process's cases, mounted below the case's path (`/api/monitoring-cases/:id/attachments`):
 * upload (JPEG, PNG, PDF, by content) and checksum-verified download, with the case's own scoping.
 */
export function createAttachmentsRouter({
  db,
  audit,
  settings,
  findCase,
}: {
  db: PrismaClient;
  audit: AuditLog;
  settings: AttachmentSettings;
  findCase: FindCase;
}): Router {
  const router = Router({ mergeParams: true });
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: settings.maxBytes, files: 1, fields: 10, parts: 11 },
    // Browsers send a file name in UTF-8 without saying so; busboy would read it as latin1 and garble 照片.jpg.
    defParamCharset: 'utf8',
  }).single('file');

  function receiveFile(req: Request, res: Response): Promise<Express.Multer.File> {
    return new Promise((resolve, reject) => {
      upload(req, res, (err: unknown) => {
        if (err instanceof multer.MulterError) {
          if (err.code === 'LIMIT_FILE_SIZE') return reject(fileProblem(`文件超过大小上限 ${megabytes(settings.maxBytes)}，请压缩后再上传`));
          if (err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT') return reject(fileProblem('每次只能上传一个文件，字段名为 file'));
          return reject(fileProblem('上传请求格式有误，请以 multipart/form-data 上传，文件字段名为 file'));
        }
        if (err) return reject(fileProblem('上传请求格式有误或未传完整，请重新上传'));
        if (!req.file) return reject(fileProblem('请选择要上传的文件：以 multipart/form-data 上传，文件字段名为 file'));
        resolve(req.file);
      });
    });
  }

  async function caseOf(req: Request, actor: Actor): Promise<AttachableCase> {
    const found = await findCase(String(req.params.id), actor);
    if (!found) throw new HttpError(404, { error: 'not_found', reason: '案件不存在或不在您的辖区内' });
    return found;
  }

  router.post('/', async (req, res) => {
    const actor = actorOf(req);
    // Scope and role are checked before the upload is read.
    const target = await caseOf(req, actor);
    const refusal = target.refuseUpload(actor);
    if (refusal) throw refusalError(refusal);
    const file = await receiveFile(req, res);
    const contentType = sniffContentType(file.buffer);
    if (!contentType) throw fileProblem('只能上传 JPEG、PNG 图片或 PDF 文件（按文件内容识别，与扩展名无关）');
    const stored = stripLocation(file.buffer, contentType, settings.keepLocation);
    if (!stored) throw fileProblem('图片文件结构不完整，无法去除其中的位置信息，请重新导出或拍摄后上传');
    const id = randomUUID();
    const attachment = {
      id,
      process: target.process,
      caseId: target.caseId,
      name: attachmentName(file.originalname, contentType),
      contentType,
      size: stored.length,
      sha256: sha256(stored),
      storage: settings.store.storage,
      storageKey: id,
      uploadedById: actor.userId,
      uploadedAt: new Date(),
    };
    // Bytes first: a failure between the two leaves an unreferenced blob, never a row without its file.
    await settings.store.put(attachment.storageKey, stored, contentType);
    const row = await db.attachment.create({ data: attachment });
    await audit.record({
      action: 'attachment.upload',
      ...auditContext(req),
      target: { type: 'Attachment', id },
      // The file's name stays out of the log: it may name the household.
      after: { process: target.process, caseId: target.caseId, contentType, size: attachment.size, sha256: attachment.sha256, locationRemoved: stored.length !== file.buffer.length },
      key: `attachment.upload:${id}`,
    });
    res.status(201).json(attachmentView(row, new Map([[actor.userId, actor.username]])));
  });

  router.get('/:attachmentId', async (req, res) => {
    const actor = actorOf(req);
    const { attachmentId } = parseOr400(attachmentParamsSchema, req.params);
    const target = await caseOf(req, actor);
    const row = await db.attachment.findUnique({ where: { id: attachmentId } });
    if (!row || row.process !== target.process || row.caseId !== target.caseId) {
      throw new HttpError(404, { error: 'not_found', reason: '该案件没有这份佐证材料' });
    }
    const store = settings.store;
    if (row.storage !== store.storage) {
      throw new HttpError(409, { error: 'conflict', reason: `这份佐证材料保存在 ${row.storage} 存储中，当前配置的存储为 ${store.storage}，暂不能下载，请联系系统管理员` });
    }
    const bytes = await store.get(row.storageKey);
    const actual = bytes ? sha256(bytes) : null;
    if (actual !== row.sha256) {
      // Never served: what is stored is not what was uploaded (altered or lost). The district learns of it from the log.
      await audit.record({
        action: 'attachment.integrity_failure',
        ...auditContext(req),
        target: { type: 'Attachment', id: row.id },
        before: { sha256: row.sha256, size: row.size },
        after: { sha256: actual, size: bytes?.length ?? null, process: row.process, caseId: row.caseId },
      });
      throw new HttpError(409, {
        error: 'conflict',
        reason: bytes
          ? '文件校验失败：存储的内容与上传时的SHA-256校验值不一致，文件可能已被篡改或损坏，不予下载。已记入审计日志，请联系系统管理员'
          : '文件校验失败：存储中找不到这份文件的内容，不予下载。已记入审计日志，请联系系统管理员',
      });
    }
    await audit.record({
      action: 'attachment.download',
      ...auditContext(req),
      target: { type: 'Attachment', id: row.id },
      after: { process: row.process, caseId: row.caseId, sha256: row.sha256 },
    });
    contentDisposition(res, maskPersonalDataInText(row.name), row.id, extensions[row.contentType] ?? 'bin');
    res.set('Cache-Control', 'no-store');
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Digest', `sha-256=${Buffer.from(row.sha256, 'hex').toString('base64')}`);
    res.type(row.contentType).send(Buffer.from(bytes!));
  });

  return router;
}
