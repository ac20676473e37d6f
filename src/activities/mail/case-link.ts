import type { PrismaClient } from '../../generated/prisma/client';

/** 大进镇 大进演示一村: where a monitoring case's household lives, in words a caseworker recognises (no names, no ID numbers). */
export async function casePlace(db: PrismaClient, caseId: string): Promise<string | null> {
  const row = await db.monitoringCase.findUnique({ where: { id: caseId }, select: { villageCode: true, townCode: true } });
  if (!row) return null;
  const names = await db.jurisdiction.findMany({ where: { code: { in: [row.townCode, row.villageCode] } }, select: { code: true, name: true } });
  const name = (code: string) => names.find((n) => n.code === code)?.name ?? code;
  return `${name(row.townCode)} ${name(row.villageCode)}`;
}
