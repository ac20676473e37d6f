import { canReadCase } from '../../domain/access';
import { refuseAttachmentUpload } from '../../domain/attachments';
import type { PrismaClient } from '../../generated/prisma/client';
import type { FindCase } from '../attachments/attachments-router';

/** A monitoring case as the evidence-file routes see it: readable by the caller (the case's scope), or null (404). */
export function findMonitoringCase(db: PrismaClient): FindCase {
  return async (caseId, actor) => {
    const row = await db.monitoringCase.findUnique({ where: { id: caseId }, select: { id: true, villageCode: true } });
    if (!row || !canReadCase(actor, row.villageCode)) return null;
    return { process: 'monitoring', caseId: row.id, refuseUpload: (who) => refuseAttachmentUpload(who, row.villageCode) };
  };
}
