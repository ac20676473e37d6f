import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import { refuseDepartmentAlertImport } from '../../domain/access';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Logger } from '../../logger';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, refusalError } from '../http-error';
import type { ApiMetrics } from '../metrics/api-metrics';
import type { TemporalDeps } from '../../activities/monitoring/intake';
import { importDepartmentAlerts } from './department-alert-import';
import { defaultImportMaxBytes, xlsxExpansionFactor } from './read-table';

/** IMPORT_MAX_BYTES's default (src/config.ts), for an app built without it. */
export { defaultImportMaxBytes } from './read-table';

const fileProblem = (message: string) => HttpError.validation([{ path: 'file', message }]);

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

/** Receives the one file of a multipart upload into memory, turning multer's and busboy's errors into 400s. */
function receiveFile(upload: ReturnType<ReturnType<typeof multer>['single']>, req: Request, res: Response, maxBytes: number): Promise<Express.Multer.File> {
  return new Promise((resolve, reject) => {
    upload(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        if (err.code === 'LIMIT_FILE_SIZE') return reject(fileProblem(`文件超过大小上限 ${megabytes(maxBytes)}，请拆分后分批上传`));
        if (err.code === 'LIMIT_UNEXPECTED_FILE' || err.code === 'LIMIT_FILE_COUNT') return reject(fileProblem('每次只能上传一个文件，字段名为 file'));
        return reject(fileProblem('上传请求格式有误，请以 multipart/form-data 上传，文件字段名为 file'));
      }
      if (err) return reject(fileProblem('上传请求格式有误或未传完整，请重新上传'));
      if (!req.file) return reject(fileProblem('请选择要上传的文件：以 multipart/form-data 上传，文件字段名为 file'));
      resolve(req.file);
    });
  });
}

export function createImportsRouter({
  db,
  temporal,
  logger,
  audit,
  imports,
  metrics,
}: {
  db: PrismaClient;
  temporal: TemporalDeps;
  logger: Logger;
  audit: AuditLog;
  imports?: { maxBytes: number };
  metrics: Pick<ApiMetrics, 'recordImport'>;
}): Router {
  const router = Router();
  const maxBytes = imports?.maxBytes ?? defaultImportMaxBytes;
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 10, parts: 11 } }).single('file');

  /** 部门筛查预警: a department uploads its data-comparison alerts (CSV or XLSX). */
  router.post('/department-alerts', async (req, res) => {
    const actor = actorOf(req);
    // Refused before the upload is read.
    const refusal = refuseDepartmentAlertImport(actor);
    if (refusal) throw refusalError(refusal);
    const file = await receiveFile(upload, req, res, maxBytes);
    const result = await importDepartmentAlerts({ db, temporal, logger, maxUnpackedBytes: maxBytes * xlsxExpansionFactor }, actor, file.buffer);
    if ('problem' in result) {
      metrics.recordImport('department-alerts', 'refused');
      throw fileProblem(result.problem);
    }
    // Counts only: the rows' people stay out of the log; the alerts stored name their import and case.
    const { rejected, ...counts } = result;
    await audit.record({
      action: 'import.run',
      ...auditContext(req),
      target: { type: 'DepartmentImport', id: result.importId },
      after: { kind: 'department-alerts', ...counts, rejectedRows: new Set(rejected.map((r) => r.row)).size },
    });
    metrics.recordImport('department-alerts', result.alreadyImported ? 'already_imported' : 'imported', {
      leads: result.leadsCreated,
      evidence: result.evidenceAdded,
      duplicates: result.duplicates,
      rejected: new Set(rejected.map((r) => r.row)).size,
    });
    res.json(result);
  });

  return router;
}
