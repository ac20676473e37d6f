import { createHash } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { chinaDate } from '../../domain/monitoring/department-alerts';
import { ErrorCode } from '../../domain/errors';
import { parseRelocationTable, relocationImportFields, type RejectedRelocationRow } from '../../domain/relocation/import';
import type { Actor } from '../../domain/roles';
import type { PrismaClient } from '../../generated/prisma/client';
import type { TemporalDeps } from '../../activities/monitoring/intake';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, refusalError } from '../http-error';
import { defaultImportMaxBytes } from '../imports/imports-router';
import { readTable } from '../imports/read-table';
import { startRelocationCase } from './start-case';

const fileProblem = (message: string) => HttpError.validation([{ path: 'file', message }]);
const storedRejections = z.array(z.object({ row: z.number(), field: z.enum(relocationImportFields), message: z.string() }));
/** Cases opened at once: each starts a workflow and waits for its read model. */
const concurrency = 16;

export interface RelocationImportResult {
  importId: string;
  alreadyImported: boolean;
  accepted: number;
  rejected: RejectedRelocationRow[];
  casesCreated: number;
  /** Households that already have a relocation case: nothing is created for them. */
  duplicates: number;
}

function receiveFile(upload: ReturnType<ReturnType<typeof multer>['single']>, req: Request, res: Response): Promise<Express.Multer.File> {
  return new Promise((resolve, reject) => {
    upload(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE') return reject(fileProblem('文件超过大小上限，请拆分后分批上传'));
      if (err) return reject(fileProblem('上传请求格式有误，请以 multipart/form-data 上传，文件字段名为 file'));
      if (!req.file) return reject(fileProblem('请选择要上传的文件：以 multipart/form-data 上传，文件字段名为 file'));
      resolve(req.file);
    });
  });
}

/** 搬迁户名单导入 (CSV or XLSX, the department-alert import's encodings and size limit): one relocation case per valid row. */
export function createRelocationImportRouter({ db, temporal, audit, imports }: { db: PrismaClient; temporal: TemporalDeps; audit: AuditLog; imports?: { maxBytes: number } }): Router {
  const router = Router();
  const maxBytes = imports?.maxBytes ?? defaultImportMaxBytes;
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11 } }).single('file');

  router.post('/', async (req, res) => {
    const actor = actorOf(req);
    if (actor.role !== 'TOWN_REVIEWER' && actor.role !== 'DISTRICT_APPROVER') throw refusalError({ code: ErrorCode.FORBIDDEN, reason: '只有乡镇审核人员或区级审定人员可以导入搬迁户名单' });
    const file = await receiveFile(upload, req, res);
    const result = await importRelocations(db, temporal, actor, file.buffer);
    if ('problem' in result) throw fileProblem(result.problem);
    const { rejected, ...counts } = result;
    await audit.record({ action: 'import.run', ...auditContext(req), target: { type: 'RelocationImport', id: result.importId }, after: { kind: 'relocations', ...counts, rejectedRows: new Set(rejected.map((r) => r.row)).size } });
    res.json(result);
  });
  return router;
}

async function importRelocations(db: PrismaClient, temporal: TemporalDeps, actor: Actor, file: Buffer): Promise<RelocationImportResult | { problem: string }> {
  const fileSha256 = createHash('sha256').update(file).digest('hex');
  const previous = await db.relocationImport.findUnique({ where: { fileSha256 } });
  if (previous?.completedAt) {
    return { importId: previous.id, alreadyImported: true, accepted: previous.accepted, rejected: storedRejections.parse(previous.rejected), casesCreated: 0, duplicates: previous.accepted };
  }
  const table = await readTable(file);
  if ('problem' in table) return table;
  const sites = await db.resettlementSite.findMany({ select: { code: true } });
  const parsed = parseRelocationTable(table.rows, chinaDate(new Date()), new Set(sites.map((s) => s.code)));
  if ('problem' in parsed) return parsed;
  // An unfinished import of this file is carried on: a household with a case already counts as a duplicate.
  const record = previous ?? (await db.relocationImport.upsert({ where: { fileSha256 }, create: { fileSha256, format: table.format, uploadedById: actor.userId, rowCount: parsed.rowCount }, update: {} }));
  const rejected = [...parsed.rejected];
  let casesCreated = 0;
  let duplicates = 0;
  const queue = [...parsed.valid];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const outcome = await startRelocationCase({ db, temporal }, actor, next.body);
        if (!('refusal' in outcome)) casesCreated++;
        else if (outcome.refusal.code === ErrorCode.CONFLICT) duplicates++;
        else {
          const field = outcome.refusal.path === 'siteCode' ? 'siteCode' : outcome.refusal.code === ErrorCode.FORBIDDEN || outcome.refusal.path ? 'villageCode' : 'idNumber';
          rejected.push({ row: next.row, field, message: outcome.refusal.reason });
        }
      }
    }),
  );
  rejected.sort((a, b) => a.row - b.row || relocationImportFields.indexOf(a.field) - relocationImportFields.indexOf(b.field));
  const accepted = casesCreated + duplicates;
  await db.relocationImport.update({ where: { id: record.id }, data: { accepted, casesCreated, duplicates, rejected: rejected.map((r) => ({ ...r })), completedAt: new Date() } });
  return { importId: record.id, alreadyImported: false, accepted, rejected, casesCreated, duplicates };
}
