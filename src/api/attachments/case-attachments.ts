import type { CaseRef } from '../../domain/attachments';
import type { PrismaClient } from '../../generated/prisma/client';
import { attachmentView } from './attachments-router';
import { referencedEntry, type AttachmentReferenceKind } from './attachment-references';

export type AttachmentSummary = ReturnType<typeof attachmentView>;

/** A case's evidence files, oldest first, and those each decision, visit, objection or measure cited, by its timeline entry id. */
export async function caseAttachments(db: PrismaClient, ref: CaseRef): Promise<{ list: AttachmentSummary[]; byDecision: Map<string, AttachmentSummary[]> }> {
  const rows = await db.attachment.findMany({ where: { process: ref.process, caseId: ref.caseId }, orderBy: [{ uploadedAt: 'asc' }, { id: 'asc' }] });
  if (rows.length === 0) return { list: [], byDecision: new Map() };
  const [users, references] = await Promise.all([
    db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.uploadedById))] } }, select: { id: true, username: true } }),
    db.attachmentReference.findMany({ where: { attachmentId: { in: rows.map((r) => r.id) } }, orderBy: [{ createdAt: 'asc' }, { attachmentId: 'asc' }] }),
  ]);
  const usernames = new Map(users.map((u) => [u.id, u.username]));
  const list = rows.map((r) => attachmentView(r, usernames));
  const byId = new Map(list.map((a) => [a.id, a]));
  const byDecision = new Map<string, AttachmentSummary[]>();
  for (const ref of references) {
    const entry = referencedEntry[ref.kind as AttachmentReferenceKind]?.(ref.refId);
    if (!entry) continue;
    byDecision.set(entry, [...(byDecision.get(entry) ?? []), byId.get(ref.attachmentId)!]);
  }
  return { list, byDecision };
}
