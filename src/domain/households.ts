import { z } from 'zod';
import { ErrorCode, type Refusal } from './errors';
import { isWithin } from './jurisdictions';
import { householdSchema } from './monitoring/schemas';
import type { Actor } from './roles';
import { hiddenCharacterMessage, isReadableText } from './text';

/**
 * The answer to a report of a household this village may not register: registered in another village (only a
 * transfer moves it), or out of the caller's sight with a case open. Worded the same either way, and the same as
 * for a mistyped number, so that it confirms neither that the household exists nor where, nor that it has a case.
 */
export const householdNotHereReason = '该身份证号不能在此村登记，请核对或联系乡镇办理户籍迁移';

/** 户籍迁移: a household's registration moved to another village. */
export const householdTransferSchema = z.object({
  idNumber: householdSchema.shape.idNumber,
  toVillageCode: householdSchema.shape.villageCode,
  reason: z.string({ error: '请填写迁移原因' }).trim().min(2, '请填写迁移原因（至少2个字）').max(500, '迁移原因不超过500字').refine(isReadableText, hiddenCharacterMessage('迁移原因')),
});
export type HouseholdTransferRequest = z.infer<typeof householdTransferSchema>;

export const listHouseholdTransfersSchema = z.object({
  page: z.coerce.number({ error: '页码应为正整数' }).int('页码应为正整数').min(1, '页码应为正整数').default(1),
  pageSize: z.coerce.number({ error: '每页条数应为1到200的整数' }).int('每页条数应为1到200的整数').min(1, '每页条数应为1到200的整数').max(200, '每页条数应为1到200的整数').default(50),
});

/**
 * Who may transfer a household registered in `fromVillageCode`: the town reviewers of its (old) town, who release it,
 * and the district approvers. A town reviewer of another town is told the household is unknown (404), as for a
 * number never registered, so the route is no lookup of where households live.
 */
export function refuseHouseholdTransfer(actor: Actor, fromVillageCode: string | null): Refusal | null {
  if (actor.role !== 'TOWN_REVIEWER' && actor.role !== 'DISTRICT_APPROVER') {
    return { code: ErrorCode.FORBIDDEN, reason: '只有原乡镇审核人员或区级审定人员可以办理户籍迁移' };
  }
  if (fromVillageCode === null || !isWithin(fromVillageCode, actor.jurisdictionCode)) {
    return { code: ErrorCode.NOT_FOUND, reason: '您的辖区内没有该身份证号登记的农户' };
  }
  return null;
}

/**
 * Which transfers an actor reads: those leaving or entering their jurisdiction (a village, a town, the district),
 * so the old and the new town both see each. Departments and coordinators none (null).
 */
export function householdTransferReadScope(actor: Actor): string | null {
  if (actor.role === 'DEPARTMENT_OFFICER' || actor.role === 'COOPERATION_COORDINATOR') return null;
  return actor.jurisdictionCode;
}
