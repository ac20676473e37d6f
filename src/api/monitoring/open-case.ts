import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { refuseCaseCreation } from '../../domain/access';
import { ErrorCode, type Refusal } from '../../domain/errors';
import { jurisdictionLevel } from '../../domain/jurisdictions';
import { monitoringWorkflowId } from '../../domain/monitoring/case';
import type { CreateMonitoringCase } from '../../domain/monitoring/schemas';
import type { Actor } from '../../domain/roles';
import { policyInForceAt } from '../../db/policy-versions';
import type { PrismaClient } from '../../generated/prisma/client';
import { caseRegisteredUpdate, monitoringCaseWorkflowType, type MonitoringCaseInput } from '../../domain/monitoring/messages';
import { caseStageKey, overdueKey, processKey, townCodeKey } from '../../temporal/search-attributes';

export interface TemporalDeps {
  client: Client;
  taskQueue: string;
}

export type OpenCaseResult = { caseId: string } | { refusal: Refusal; caseId?: string };

const alreadyOpen = '该户已有正在办理的监测案件，同一户同时只能有一个案件';

/**
 * Opens a monitoring case for a validated intake: the one way a case starts, whether a caseworker reports it or a
 * department import finds it. Writes nothing but the household's reference data before the workflow exists,
 * and answers once the case is in the read model.
 */
export async function openMonitoringCase(
  { db, temporal }: { db: PrismaClient; temporal: TemporalDeps },
  actor: Actor,
  body: CreateMonitoringCase,
  discoveredAt = new Date(),
): Promise<OpenCaseResult> {
  const { household } = body;
  const village = await db.jurisdiction.findUnique({ where: { code: household.villageCode } });
  if (!village || jurisdictionLevel(village.code) !== 'VILLAGE') {
    return { refusal: { code: ErrorCode.VALIDATION, path: 'household.villageCode', reason: '村（社区）代码不存在，请从辖区列表中选择' } };
  }
  const refusal = refuseCaseCreation(actor, village.code, body.channel);
  if (refusal) return { refusal };

  const existing = await db.household.findUnique({
    where: { idNumber: household.idNumber },
    include: { cases: { where: { closedAt: null }, select: { id: true } } },
  });
  if (existing?.cases.length) return { refusal: { code: ErrorCode.CONFLICT, reason: alreadyOpen }, caseId: existing.cases[0].id };

  // Households are reference data: kept current here; the workflow only ever sees the id.
  const fields = {
    headName: household.headName,
    // Absent keeps the phone on record (Prisma skips undefined).
    phone: household.phone,
    villageCode: village.code,
    townCode: village.code.slice(0, 9),
    memberCount: household.memberCount,
    laborCapacity: household.laborCapacity,
    perCapitaIncome: body.perCapitaIncome,
  };
  const saved = await db.household.upsert({ where: { idNumber: household.idNumber }, create: { idNumber: household.idNumber, ...fields }, update: fields });

  const caseId = randomUUID();
  const input: MonitoringCaseInput = {
    caseId,
    householdId: saved.id,
    villageCode: village.code,
    category: body.category,
    channel: body.channel,
    riskTypes: body.riskTypes,
    laborCapacity: household.laborCapacity,
    note: body.note,
    discoveredAt: discoveredAt.toISOString(),
    createdBy: actor,
    policy: await policyInForceAt(db, discoveredAt),
  };
  const start = new WithStartWorkflowOperation(monitoringCaseWorkflowType, {
    workflowId: monitoringWorkflowId(saved.id),
    taskQueue: temporal.taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'FAIL',
    typedSearchAttributes: new TypedSearchAttributes([
      { key: processKey, value: 'monitoring' },
      { key: caseStageKey, value: 'HOME_VISIT' },
      { key: townCodeKey, value: village.code.slice(0, 9) },
      { key: overdueKey, value: false },
    ]),
  });
  try {
    await temporal.client.workflow.executeUpdateWithStart(caseRegisteredUpdate, { startWorkflowOperation: start });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { refusal: { code: ErrorCode.CONFLICT, reason: alreadyOpen } };
    throw err;
  }
  return { caseId };
}
