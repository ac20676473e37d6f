import { Router } from 'express';
import { ErrorCode } from '../../domain/errors';
import { householdTransferReadScope, householdTransferSchema, listHouseholdTransfersSchema, refuseHouseholdTransfer } from '../../domain/households';
import { jurisdictionLevel, townOf } from '../../domain/jurisdictions';
import { maskIdNumber } from '../../domain/id-number';
import { maskPersonalDataInText } from '../../domain/personal-data';
import type { HouseholdTransfer, PrismaClient } from '../../generated/prisma/client';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';

type TransferRow = HouseholdTransfer & { household: { idNumber: string } };

async function transferViews(db: PrismaClient, rows: TransferRow[]) {
  const codes = [...new Set(rows.flatMap((r) => [r.fromVillageCode, r.fromTownCode, r.toVillageCode, r.toTownCode]))];
  const places = new Map((await db.jurisdiction.findMany({ where: { code: { in: codes } }, select: { code: true, name: true } })).map((j) => [j.code, j.name]));
  const actors = new Map((await db.user.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.actorId))] } }, select: { id: true, username: true } })).map((u) => [u.id, u.username]));
  const place = (villageCode: string, townCode: string) => ({ villageCode, villageName: places.get(villageCode) ?? null, townCode, townName: places.get(townCode) ?? null });
  return rows.map((r) => ({
    id: r.id,
    householdId: r.householdId,
    idNumber: maskIdNumber(r.household.idNumber),
    from: place(r.fromVillageCode, r.fromTownCode),
    to: place(r.toVillageCode, r.toTownCode),
    reason: maskPersonalDataInText(r.reason),
    by: actors.get(r.actorId) ?? null,
    at: r.at.toISOString(),
  }));
}

/** 户籍迁移: the one way a household's registration moves to another village, audited, visible to both towns. */
export function createHouseholdsRouter({ db, audit }: { db: PrismaClient; audit: AuditLog }): Router {
  const router = Router();

  router.post('/transfers', async (req, res) => {
    const actor = actorOf(req);
    // The role first (its own jurisdiction stands in for the household's), so others learn nothing from the body.
    const roleRefusal = refuseHouseholdTransfer(actor, actor.jurisdictionCode);
    if (roleRefusal) throw refusalError(roleRefusal);
    const body = parseOr400(householdTransferSchema, req.body);
    const toVillage = await db.jurisdiction.findUnique({ where: { code: body.toVillageCode } });
    if (!toVillage || jurisdictionLevel(toVillage.code) !== 'VILLAGE') {
      throw HttpError.validation([{ path: 'toVillageCode', message: '迁入村（社区）代码不存在，请从辖区列表中选择' }]);
    }
    const transfer = await db.$transaction(async (tx) => {
      // Row lock: a report or another transfer of the same household waits for this one.
      const [household] = await tx.$queryRaw<{ id: string; villageCode: string; townCode: string }[]>`
        SELECT "id", "villageCode", "townCode" FROM "Household" WHERE "idNumber" = ${body.idNumber} FOR UPDATE`;
      const refusal = refuseHouseholdTransfer(actor, household?.villageCode ?? null);
      if (refusal) throw refusalError(refusal);
      if (household.villageCode === toVillage.code) throw refusalError({ code: ErrorCode.CONFLICT, reason: '该户已登记在此村（社区），无需迁移' });
      const open = await tx.monitoringCase.count({ where: { householdId: household.id, closedAt: null } });
      if (open) throw refusalError({ code: ErrorCode.CONFLICT, reason: '该户有正在办理的监测案件，案件办结后才能迁移户籍' });
      const toTownCode = townOf(toVillage.code)!;
      await tx.household.update({ where: { id: household.id }, data: { villageCode: toVillage.code, townCode: toTownCode } });
      const created = await tx.householdTransfer.create({
        data: {
          householdId: household.id,
          fromVillageCode: household.villageCode,
          fromTownCode: household.townCode,
          toVillageCode: toVillage.code,
          toTownCode,
          reason: body.reason,
          actorId: actor.userId,
        },
        include: { household: { select: { idNumber: true } } },
      });
      await audit.record(
        {
          action: 'household.transfer',
          ...auditContext(req),
          target: { type: 'Household', id: household.id },
          before: { villageCode: household.villageCode, townCode: household.townCode },
          after: { villageCode: toVillage.code, townCode: toTownCode, reason: body.reason, transferId: created.id },
          key: `household.transfer:${created.id}`,
        },
        tx,
      );
      return created;
    });
    res.status(201).json((await transferViews(db, [transfer]))[0]);
  });

  router.get('/transfers', async (req, res) => {
    const scope = householdTransferReadScope(actorOf(req));
    if (scope === null) throw new HttpError(403, { error: 'forbidden', reason: '行业部门和协作帮扶人员不能查看户籍迁移记录' });
    const { page, pageSize } = parseOr400(listHouseholdTransfersSchema, req.query);
    const where = { OR: [{ fromVillageCode: { startsWith: scope } }, { toVillageCode: { startsWith: scope } }] };
    const [rows, total] = await Promise.all([
      db.householdTransfer.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'asc' }], skip: (page - 1) * pageSize, take: pageSize, include: { household: { select: { idNumber: true } } } }),
      db.householdTransfer.count({ where }),
    ]);
    res.json({ items: await transferViews(db, rows), page, pageSize, total });
  });

  return router;
}
