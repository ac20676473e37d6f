import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { ErrorCode, type Refusal } from '../../domain/errors';
import { jurisdictionLevel } from '../../domain/jurisdictions';
import { refuseRelocationStart } from '../../domain/relocation/access';
import { defaultRelocationSettings, relocationWorkflowId } from '../../domain/relocation/case';
import { relocationCaseWorkflowType, relocationRegisteredUpdate, type RelocationCaseInput } from '../../domain/relocation/messages';
import type { CreateRelocation } from '../../domain/relocation/schemas';
import type { Actor } from '../../domain/roles';
import type { PrismaClient } from '../../generated/prisma/client';
import type { TemporalDeps } from '../../activities/monitoring/intake';
import { caseStageKey, overdueKey, processKey, townCodeKey } from '../../temporal/search-attributes';

export const alreadyOpen = '该户已有易地搬迁后续扶持案件，同一户只能有一个案件（已结案的案件在就业变化时自动恢复跟踪）';

/**
 * Opens a relocation case for a validated request: the one way a case starts (the API's POST and the import). Keeps
 * the household's reference data current (the same Household record monitoring uses), starts the workflow and
 * answers once the case is in the read model; a refusal otherwise (with `caseId` when the household has a case).
 */
export async function startRelocationCase(
  { db, temporal }: { db: PrismaClient; temporal: TemporalDeps },
  actor: Actor,
  body: CreateRelocation,
): Promise<{ caseId: string } | { refusal: Refusal; caseId?: string }> {
  const { household } = body;
  const village = await db.jurisdiction.findUnique({ where: { code: household.villageCode } });
  if (!village || jurisdictionLevel(village.code) !== 'VILLAGE') {
    return { refusal: { code: ErrorCode.VALIDATION, path: 'household.villageCode', reason: '村（社区）代码不存在，请从辖区列表中选择' } };
  }
  const refusal = refuseRelocationStart(actor, village.code);
  if (refusal) return { refusal };
  const site = await db.resettlementSite.findUnique({ where: { code: body.siteCode } });
  if (!site) return { refusal: { code: ErrorCode.VALIDATION, path: 'siteCode', reason: '安置点不存在，请从安置点列表中选择' } };

  const existing = await db.household.findUnique({ where: { idNumber: household.idNumber }, include: { relocationCases: { select: { id: true } } } });
  if (existing?.relocationCases.length) return { refusal: { code: ErrorCode.CONFLICT, reason: alreadyOpen }, caseId: existing.relocationCases[0].id };
  const fields = {
    headName: household.headName,
    // Absent keeps the phone on record (Prisma skips undefined).
    phone: household.phone,
    villageCode: village.code,
    townCode: village.code.slice(0, 9),
    memberCount: household.memberCount,
    laborCapacity: household.laborCapacity,
  };
  const saved = await db.household.upsert({ where: { idNumber: household.idNumber }, create: { idNumber: household.idNumber, perCapitaIncome: 0, ...fields }, update: fields });

  const caseId = randomUUID();
  const input: RelocationCaseInput = {
    caseId,
    householdId: saved.id,
    villageCode: village.code,
    siteCode: site.code,
    relocatedAt: body.relocatedAt,
    laborCapacity: household.laborCapacity,
    createdBy: actor,
    openedAt: new Date().toISOString(),
    settings: defaultRelocationSettings,
  };
  const start = new WithStartWorkflowOperation(relocationCaseWorkflowType, {
    workflowId: relocationWorkflowId(saved.id),
    taskQueue: temporal.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
    typedSearchAttributes: new TypedSearchAttributes([
      { key: processKey, value: 'relocation' },
      { key: caseStageKey, value: 'BASELINE_SURVEY' },
      { key: townCodeKey, value: village.code.slice(0, 9) },
      { key: overdueKey, value: false },
    ]),
  });
  try {
    await temporal.client.workflow.executeUpdateWithStart(relocationRegisteredUpdate, { startWorkflowOperation: start });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const open = await db.relocationCase.findFirst({ where: { householdId: saved.id }, select: { id: true } });
      return { refusal: { code: ErrorCode.CONFLICT, reason: alreadyOpen }, ...(open && { caseId: open.id }) };
    }
    throw err;
  }
  return { caseId };
}
