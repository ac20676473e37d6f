import { canReadRelocation, refuseRelocationWrite } from '../../domain/relocation/access';
import type { PrismaClient } from '../../generated/prisma/client';
import type { FindCase } from '../attachments/attachments-router';

/**
 * A relocation case as the evidence-file routes see it: readable by the caller (404 otherwise); files are added by
 * those who record its follow-up visits (the village and town caseworkers of its area).
 */
export function findRelocationCase(db: PrismaClient): FindCase {
  return async (caseId, actor) => {
    const row = await db.relocationCase.findUnique({ where: { id: caseId }, select: { id: true, villageCode: true } });
    if (!row || !canReadRelocation(actor, row.villageCode)) return null;
    return { process: 'relocation', caseId: row.id, refuseUpload: (who) => refuseRelocationWrite(who, row.villageCode, 'visit') };
  };
}
