import { decisionEventId } from '../../domain/tasks/task';
import type { CaseRef } from '../../domain/attachments';
import type { PrismaClient } from '../../generated/prisma/client';
import { attachmentView } from './attachments-router';

export type AttachmentSummary = ReturnType<typeof attachmentView>;

/** A case's evidence files, oldest first, and those each decision cited, by the decision's timeline entry id. */
export async function caseAttachments(db: PrismaClient, ref: CaseRef): Promise<{ list: AttachmentSummary[]; byDecision: Map<string, AttachmentSummary[]> }> {
  const rows = await db.attachment.findMany({ where: { process: ref.process, caseId: ref.caseId }, orderBy: [{ uploadedAt: 'asc' }, { id: 'asc' }] });
  if (rows.length === 0) return { list: [], byDecision: new Map() };
  const [users, references] = await Promise.all([
    db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.uploadedById))] } }, select: { id: true, username: true } }),
    db.attachmentReference.findMany({ where: { attachmentId: { in: rows.map((r) => r.id) }, kind: 'TASK_DECISION' }, orderBy: { createdAt: 'asc' } }),
  ]);
  const usernames = new Map(users.map((u) => [u.id, u.username]));
  const list = rows.map((r) => attachmentView(r, usernames));
  const byId = new Map(list.map((a) => [a.id, a]));
  const byDecision = new Map<string, AttachmentSummary[]>();
  for (const ref of references) {
    const entry = decisionEventId(ref.refId);
    byDecision.set(entry, [...(byDecision.get(entry) ?? []), byId.get(ref.attachmentId)!]);
  }
  return { list, byDecision };
}
