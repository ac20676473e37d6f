import { createHash, randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { TemporalDeps } from '../deps';
import { TypedSearchAttributes } from '@temporalio/common';
import { refuseCaseCreation } from '../../domain/access';
import { ErrorCode } from '../../domain/errors';
import { householdNotHereReason } from '../../domain/households';
import { isWithin, jurisdictionLevel } from '../../domain/jurisdictions';
import { monitoringWorkflowId } from '../../domain/monitoring/case';
import type { CreateMonitoringCase } from '../../domain/monitoring/schemas';
import type { Actor } from '../../domain/roles';
import { policyInForceAt } from '../../db/policy-versions';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { caseRegisteredUpdate, monitoringCaseWorkflowType, type MonitoringCaseInput, type OpenCaseResult } from '../../domain/monitoring/messages';
import { caseStageKey, overdueKey, processKey, townCodeKey } from '../../temporal/search-attributes';

export type { TemporalDeps } from '../deps';

export type { OpenCaseResult } from '../../domain/monitoring/messages';

/**
 * The case id an intake keyed by `intakeKey` (a workflow's referral, say) gets: the same on every retry, so a retry
 * that finds the case it opened itself answers with it instead of "already open".
 */
export function intakeCaseId(intakeKey: string): string {
  const h = createHash('sha256').update(`assistflow-intake:${intakeKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const alreadyOpen = '该户已有正在办理的监测案件，同一户同时只能有一个案件';

/**
 * Opens a monitoring case for a validated intake: the one way a case starts, whether a caseworker reports it, a
 * department import finds it, or another process's workflow refers the household (the `openMonitoringCase` activity).
 * Writes nothing but the household's reference data before the workflow exists, and answers once the case is in the
 * read model. With `intakeKey` the case id comes from the key, so the same intake retried is answered with its case.
 */
export async function openMonitoringCase(
  { db, temporal }: { db: PrismaClient; temporal: TemporalDeps },
  actor: Actor,
  body: CreateMonitoringCase,
  discoveredAt = new Date(),
  intakeKey?: string,
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
  const notHere = (why: 'registered_elsewhere' | 'open_case_outside_scope'): OpenCaseResult => ({
    refusal: { code: ErrorCode.CONFLICT, reason: householdNotHereReason },
    householdNotHere: { householdId: existing!.id, why },
  });
  // Outside the caller's sight nothing is said of the household: not where it lives, nor that it has a case.
  if (existing && !isWithin(existing.villageCode, actor.jurisdictionCode)) return notHere(existing.cases.length ? 'open_case_outside_scope' : 'registered_elsewhere');
  const caseId = intakeKey ? intakeCaseId(intakeKey) : randomUUID();
  if (existing?.cases.length) {
    const open = existing.cases[0].id;
    return open === caseId ? { caseId } : { refusal: { code: ErrorCode.CONFLICT, reason: alreadyOpen }, caseId: open };
  }
  // A household belongs to its village: a report from another one changes nothing of it (a transfer moves it).
  if (existing && existing.villageCode !== village.code) return notHere('registered_elsewhere');

  // Households are reference data, kept current here by their own village; the workflow only ever sees the id.
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
  // Written only where it is registered in this village (or new): a transfer or another village's report racing this
  // one cannot be overwritten, since the update names the village it expects.
  const keep = () => db.household.updateMany({ where: { idNumber: household.idNumber, villageCode: village.code }, data: fields });
  if ((await keep()).count === 0) {
    try {
      await db.household.create({ data: { idNumber: household.idNumber, ...fields } });
    } catch (error) {
      if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')) throw error;
      // Registered meanwhile: in this village it is ours to update, elsewhere it is not.
      if ((await keep()).count === 0) {
        const elsewhere = await db.household.findUniqueOrThrow({ where: { idNumber: household.idNumber }, select: { id: true } });
        return { refusal: { code: ErrorCode.CONFLICT, reason: householdNotHereReason }, householdNotHere: { householdId: elsewhere.id, why: 'registered_elsewhere' } };
      }
    }
  }
  const saved = await db.household.findUniqueOrThrow({ where: { idNumber: household.idNumber }, select: { id: true } });

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
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      // Another intake won the race, or this one's earlier attempt started the case and died before answering.
      const open = (await db.monitoringCase.findFirst({ where: { householdId: saved.id, closedAt: null }, select: { id: true } }))?.id;
      return open === caseId ? { caseId } : { refusal: { code: ErrorCode.CONFLICT, reason: alreadyOpen }, ...(open && { caseId: open }) };
    }
    throw err;
  }
  return { caseId };
}
