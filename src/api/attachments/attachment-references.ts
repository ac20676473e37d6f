import { decisionEventId } from '../../domain/tasks/task';
import type { CaseRef } from '../../domain/attachments';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Issue } from '../http-error';

/** What an attachment can support; the timeline shows it beside that entry. */
export type AttachmentReferenceKind = keyof typeof referencedEntry;

/** The timeline entry (its id, as the recording activity writes it) of what a reference names. */
export const referencedEntry = {
  TASK_DECISION: (taskId: string) => decisionEventId(taskId),
  OBJECTION: (objectionTaskId: string) => `${objectionTaskId}:filed`,
  VISIT: (visitId: string) => `${visitId}:visited`,
  MEASURE: (measureId: string) => `${measureId}:planned`,
} as const;

/** Each id that is not an evidence file of this case (unknown, or another case's), as a 400's issues; empty when all are. */
export async function caseAttachmentProblems(db: PrismaClient, ref: CaseRef, ids: readonly string[] | undefined, field = 'attachmentIds'): Promise<Issue[]> {
  if (!ids?.length) return [];
  const found = await db.attachment.findMany({ where: { id: { in: [...ids] } }, select: { id: true, process: true, caseId: true } });
  const ofCase = new Set(found.filter((a) => a.process === ref.process && a.caseId === ref.caseId).map((a) => a.id));
  return ids.flatMap((id, i) => (ofCase.has(id) ? [] : [{ path: `${field}.${i}`, message: `佐证材料 ${id} 不存在或不属于本案件，请先上传到本案件` }]));
}

/** Records that the attachments support `refId`; a retry writes nothing twice. */
export async function linkAttachments(db: PrismaClient, ids: readonly string[] | undefined, kind: AttachmentReferenceKind, refId: string): Promise<void> {
  if (!ids?.length) return;
  await db.attachmentReference.createMany({ data: ids.map((attachmentId) => ({ attachmentId, kind, refId })), skipDuplicates: true });
}
