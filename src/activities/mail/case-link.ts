import type { PrismaClient } from '../../generated/prisma/client';

/**
 * What an email says about a case so that a caseworker recognises it, and where it links: the web app's case page
 * (`/cases/<id>`), which asks for a login first and then opens the case. No names or ID numbers: the place only.
 */
export function casePageUrl(publicUrl: string, caseId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/cases/${encodeURIComponent(caseId)}`;
}

/** 大进镇 大进演示一村, or null when the case is not a monitoring case. */
export async function casePlace(db: PrismaClient, caseId: string): Promise<string | null> {
  const row = await db.monitoringCase.findUnique({ where: { id: caseId }, select: { villageCode: true, townCode: true } });
  if (!row) return null;
  const names = await db.jurisdiction.findMany({ where: { code: { in: [row.townCode, row.villageCode] } }, select: { code: true, name: true } });
  const name = (code: string) => names.find((n) => n.code === code)?.name ?? code;
  return `${name(row.townCode)} ${name(row.villageCode)}`;
}

/** The email's lines about the case: its place, its number, the link. */
export async function caseLines(db: PrismaClient, publicUrl: string, caseId: string): Promise<string[]> {
  const place = await casePlace(db, caseId);
  return [...(place ? [`所在村（社区）：${place}`] : []), `案件编号：${caseId}`, `在网页中办理（先登录）：${casePageUrl(publicUrl, caseId)}`];
}
