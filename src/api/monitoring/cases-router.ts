import type { WorkflowHandle } from '@temporalio/client';
import { Router, type Request } from 'express';
import { policyVersion } from '../../db/policy-versions';
import type { PrismaClient } from '../../generated/prisma/client';
import { canReadCase, caseReadScope } from '../../domain/access';
import { refuseFullPersonalData } from '../../domain/personal-data';
import { refuseActor } from '../../domain/tasks/task';
import { refuseMeasurePlan, type MeasureType } from '../../domain/monitoring/assistance';
import { closedStages, stageLabels, type LaborCapacity, type Stage } from '../../domain/monitoring/case';
import { defaultPolicySettings } from '../../domain/policy';
import type { Actor } from '../../domain/roles';
import {
  applyPolicySchema,
  createMonitoringCaseSchema,
  exitProposalSchema,
  listMonitoringCasesSchema,
  measurePlanRequestSchema,
  objectionRequestSchema,
  rollbackSchema,
  visitRequestSchema,
} from '../../domain/monitoring/schemas';
import { caseAttachmentProblems, linkAttachments } from '../attachments/attachment-references';
import { followUpStages, monitoredStages } from '../../domain/monitoring/elimination';
import { addMeasuresUpdate, applyPolicyUpdate, fileObjectionUpdate, proposeExitUpdate, recordVisitUpdate, rollBackUpdate } from '../../domain/monitoring/messages';
import { beijingTime } from '../../domain/login-throttle';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { keyedUpdate, keyedUpdateId } from '../keyed-update';
import { asHumanTask } from '../tasks/task-view';
import { caseListQueries } from './case-list-query';
import { loadCaseView } from './case-view';
import { openMonitoringCase, type TemporalDeps } from '../../activities/monitoring/intake';

const caseNotFound = () => new HttpError(404, { error: 'not_found', reason: '案件不存在或不在您的辖区内' });

export function createCasesRouter({ db, temporal, audit }: { db: PrismaClient; temporal: TemporalDeps; audit: AuditLog }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const actor = actorOf(req);
    const body = parseOr400(createMonitoringCaseSchema, req.body);
    const result = await openMonitoringCase({ db, temporal }, actor, body);
    const { household } = body;
    const recordStart = (caseId: string) =>
      audit.record({
        action: 'case.start',
        ...auditContext(req),
        target: { type: 'MonitoringCase', id: caseId },
        // The ID number is masked by record(); the head's name stays out of the log.
        after: {
          stage: 'HOME_VISIT',
          household: { idNumber: household.idNumber, villageCode: household.villageCode, memberCount: household.memberCount, laborCapacity: household.laborCapacity },
          category: body.category,
          channel: body.channel,
          riskTypes: body.riskTypes,
          perCapitaIncome: body.perCapitaIncome,
        },
        key: `case.start:${caseId}`,
      });
    if ('refusal' in result && result.householdNotHere) {
      // Who tried to report a household they may not register, and which; the answer told them nothing of it.
      await audit.record({
        action: 'household.report_refused',
        ...auditContext(req),
        target: { type: 'Household', id: result.householdNotHere.householdId },
        after: { villageCode: household.villageCode, why: result.householdNotHere.why },
      });
      throw refusalError(result.refusal);
    }
    if ('refusal' in result) {
      // The reporter's retry of a report whose first attempt opened the case but died before recording it (found by
      // `npm run chaos`, API killed mid-request): record the start now; the key keeps it to one entry.
      const { caseId } = result;
      const opened = caseId ? await db.monitoringCase.findUnique({ where: { id: caseId }, select: { createdById: true } }) : null;
      if (caseId && opened?.createdById === actor.userId) await recordStart(caseId);
      throw refusalError(result.refusal, caseId ? { caseId } : {});
    }
    await recordStart(result.caseId);
    res.status(201).json(await loadCaseView(db, result.caseId));
  });

  router.get('/', async (req, res) => {
    const actor = actorOf(req);
    const query = parseOr400(listMonitoringCasesSchema, req.query);
    const scope = caseReadScope(actor);
    if (scope === null) {
      res.json({ items: [], page: query.page, pageSize: query.pageSize, total: 0 });
      return;
    }
    const now = new Date();
    const queries = caseListQueries(scope, query, now);
    const [[{ total }], pageIds] = await Promise.all([
      db.$queryRaw<[{ total: number }]>(queries.count),
      db.$queryRaw<{ id: string }[]>(queries.pageIds),
    ]);
    const ids = pageIds.map((r) => r.id);
    // The page's flags only: a case is overdue while one of its open tasks is past due.
    const [unordered, overdueTasks] = await Promise.all([
      db.monitoringCase.findMany({ where: { id: { in: ids } }, include: { household: { select: { headName: true } } } }),
      db.task.findMany({ where: { caseId: { in: ids }, status: 'OPEN', dueAt: { lte: now } }, select: { caseId: true } }),
    ]);
    const byId = new Map(unordered.map((r) => [r.id, r]));
    const rows = ids.flatMap((id) => byId.get(id) ?? []);
    const overdueSet = new Set(overdueTasks.map((t) => t.caseId));
    res.json({
      items: rows.map((r) => ({
        id: r.id,
        stage: r.stage,
        stageLabel: stageLabels[r.stage as Stage],
        category: r.category,
        headName: r.household.headName,
        villageCode: r.villageCode,
        townCode: r.townCode,
        discoveredAt: r.discoveredAt.toISOString(),
        overdue: overdueSet.has(r.id),
      })),
      page: query.page,
      pageSize: query.pageSize,
      total,
    });
  });

  /** 公示异议: recorded while the evaluation is posted; a village caseworker must resolve it before the town review. */
  router.post('/:id/objections', async (req, res) => {
    const actor = actorOf(req);
    const { content, attachmentIds } = parseOr400(objectionRequestSchema, req.body);
    const row = await caseInScope(req, actor);
    await requireCitedFiles(row.id, attachmentIds);
    const ready = () => {
      if (row.stage !== 'PUBLIC_POSTING' && row.stage !== 'EXIT_POSTING') throw new HttpError(409, { error: 'conflict', reason: '案件不在公示期，不能登记异议' });
    };
    const { taskId } = await caseUpdate(req, actor, row, 'objection', ready, (h, options) => h.executeUpdate(fileObjectionUpdate, { args: [{ content, actor }], ...options }));
    await audit.record({
      action: 'case.objection',
      ...auditContext(req),
      target: { type: 'MonitoringCase', id: req.params.id },
      after: { objectionTaskId: taskId, content },
      key: `case.objection:${taskId}`,
    });
    await linkAttachments(db, attachmentIds, 'OBJECTION', taskId);
    res.status(201).json({ taskId, case: await loadCaseView(db, req.params.id) });
  });

  /** 400 naming each cited file that is not one of this case's 佐证材料. */
  async function requireCitedFiles(caseId: string, attachmentIds: readonly string[] | undefined): Promise<void> {
    const problems = await caseAttachmentProblems(db, { process: 'monitoring', caseId }, attachmentIds);
    if (problems.length) throw HttpError.validation(problems);
  }

  /** The case, in the caller's scope; 404 otherwise (also outside it: a case one may not read does not exist for one). */
  async function caseInScope(req: { params: { id: string } }, actor: Actor) {
    const row = await db.monitoringCase.findUnique({ where: { id: req.params.id }, include: { household: { select: { laborCapacity: true } } } });
    if (!row || !canReadCase(actor, row.villageCode)) throw caseNotFound();
    return row;
  }

  /** 409 unless the case is at one of the stages an action needs. */
  function requireStage(row: { stage: string }, stages: readonly Stage[], conflict: string): void {
    if (!stages.includes(row.stage as Stage)) throw new HttpError(409, { error: 'conflict', reason: `${conflict}（当前环节：${stageLabels[row.stage as Stage] ?? row.stage}）` });
  }

  /** One of the case's Updates, keyed by the request's `Idempotency-Key` (src/api/keyed-update.ts). */
  function caseUpdate<R>(req: Request, actor: Actor, row: { id: string; workflowId: string }, action: string, ready: () => void | Promise<void>, run: (handle: WorkflowHandle, options: { updateId?: string }) => Promise<R>): Promise<R> {
    return keyedUpdate(temporal, { req, actor, workflowId: row.workflowId, subject: row.id, action }, ready, run);
  }

  /** 走访: a follow-up visit of a monitored household; it completes the due visit task and schedules the next. */
  router.post('/:id/visits', async (req, res) => {
    const actor = actorOf(req);
    const { attachmentIds, ...visit } = parseOr400(visitRequestSchema, req.body);
    const row = await caseInScope(req, actor);
    await requireCitedFiles(row.id, attachmentIds);
    const result = await caseUpdate(
      req,
      actor,
      row,
      'visit',
      () => requireStage(row, followUpStages, '只有已纳入监测或已消除风险待回头看的户需要定期走访'),
      (h, options) => h.executeUpdate(recordVisitUpdate, { args: [{ visit, actor }], ...options }),
    );
    await audit.record({ action: 'case.visit', ...auditContext(req), target: { type: 'MonitoringCase', id: row.id }, after: { visitId: result.visitId }, key: `case.visit:${result.visitId}` });
    await linkAttachments(db, attachmentIds, 'VISIT', result.visitId);
    res.status(201).json({ ...result, case: await loadCaseView(db, row.id) });
  });

  /** 帮扶措施: measures for a monitored household, checked against the policy before the workflow sees them. */
  router.post('/:id/measures', async (req, res) => {
    const actor = actorOf(req);
    const { measures, attachmentIds } = parseOr400(measurePlanRequestSchema, req.body);
    const row = await caseInScope(req, actor);
    await requireCitedFiles(row.id, attachmentIds);
    const ready = async () => {
      requireStage(row, monitoredStages, '只有已纳入监测的户可以制定帮扶措施');
      const settings = (await policyVersion(db, row.policyVersion))?.settings ?? defaultPolicySettings;
      const existing = await db.measure.findMany({ where: { caseId: row.id, status: { not: 'NOT_DELIVERED' } }, select: { type: true, startDate: true, endDate: true } });
      const problems = refuseMeasurePlan({
        laborCapacity: row.household.laborCapacity as LaborCapacity,
        measures,
        standards: settings.standards,
        existing: existing.map((m) => ({ type: m.type as MeasureType, startDate: m.startDate, endDate: m.endDate ?? undefined })),
      });
      if (problems.length) throw HttpError.validation(problems);
    };
    const result = await caseUpdate(req, actor, row, 'measures', ready, (h, options) => h.executeUpdate(addMeasuresUpdate, { args: [{ measures, actor }], ...options }));
    await audit.record({ action: 'case.measures', ...auditContext(req), target: { type: 'MonitoringCase', id: row.id }, after: { measureIds: result.measureIds, types: measures.map((m) => m.type) }, key: `case.measures:${result.measureIds.join(',')}` });
    for (const measureId of result.measureIds) await linkAttachments(db, attachmentIds, 'MEASURE', measureId);
    res.status(201).json({ ...result, case: await loadCaseView(db, row.id) });
  });

  /** 风险消除: the caseworker proposes the exit; the workflow checks the preconditions and answers 409 with every reason that fails. */
  router.post('/:id/exit-proposals', async (req, res) => {
    const actor = actorOf(req);
    const { reason } = parseOr400(exitProposalSchema, req.body);
    const row = await caseInScope(req, actor);
    const result = await caseUpdate(
      req,
      actor,
      row,
      'exit-proposal',
      () => requireStage(row, ['MONITORED'], '只有已纳入监测的户可以申请风险消除'),
      (h, options) => h.executeUpdate(proposeExitUpdate, { args: [{ reason, actor }], ...options }),
    );
    await audit.record({
      action: 'case.exit_proposal',
      ...auditContext(req),
      target: { type: 'MonitoringCase', id: row.id },
      before: { stage: row.stage },
      after: { stage: result.stage, exitVisitTaskId: result.taskId, reason },
      key: `case.exit_proposal:${result.taskId}`,
    });
    res.status(201).json({ ...result, case: await loadCaseView(db, row.id) });
  });

  /** The policy version a case follows: it keeps the one it started with unless a district approver moves it onto another. */
  router.put('/:id/policy', async (req, res) => {
    const actor = actorOf(req);
    const { version } = parseOr400(applyPolicySchema, req.body);
    const row = await db.monitoringCase.findUnique({ where: { id: req.params.id }, select: { id: true, workflowId: true, villageCode: true, stage: true, policyVersion: true } });
    if (!row || !canReadCase(actor, row.villageCode)) throw caseNotFound();
    if (actor.role !== 'DISTRICT_APPROVER') throw new HttpError(403, { error: 'forbidden', reason: '只有区级审批人员可以调整案件适用的政策版本' });
    if (closedStages.includes(row.stage as Stage)) throw new HttpError(409, { error: 'conflict', reason: '案件已办结，不能调整政策版本' });
    const stored = version === 0 ? null : await db.policyVersion.findUnique({ where: { version }, select: { effectiveFrom: true } });
    if (version !== 0 && !stored) throw new HttpError(404, { error: 'not_found', reason: `政策设置第${version}版不存在` });
    // A case follows a version that is in force: one stored for a later date waits for its date, for new cases too.
    if (stored && stored.effectiveFrom.getTime() > Date.now()) {
      throw new HttpError(409, { error: 'conflict', reason: `政策设置第${version}版自 ${beijingTime(stored.effectiveFrom.getTime())}（北京时间）起生效，尚未生效，不能用于在办案件` });
    }
    const result = await caseUpdate(req, actor, row, 'policy', () => undefined, (h, options) => h.executeUpdate(applyPolicyUpdate, { args: [{ version, actor }], ...options }));
    await audit.record({
      action: 'case.policy_change',
      ...auditContext(req),
      target: { type: 'MonitoringCase', id: row.id },
      before: { policyVersion: row.policyVersion },
      after: { policyVersion: result.policyVersion },
      // A retry with the same key is recorded once; without one each change is its own entry.
      key: keyedUpdateId(req, actor, row.id, 'policy'),
    });
    res.json(await loadCaseView(db, row.id));
  });

  /** 回退: an eliminated household found unstable is monitored again; assistance resumes and visits are monthly again. */
  router.post('/:id/rollback', async (req, res) => {
    const actor = actorOf(req);
    const { reason } = parseOr400(rollbackSchema, req.body);
    const row = await caseInScope(req, actor);
    const result = await caseUpdate(
      req,
      actor,
      row,
      'rollback',
      () => requireStage(row, ['RISK_ELIMINATED'], '只有已标注风险消除的户可以回退'),
      (h, options) => h.executeUpdate(rollBackUpdate, { args: [{ reason, actor }], ...options }),
    );
    await audit.record({
      action: 'case.rollback',
      ...auditContext(req),
      target: { type: 'MonitoringCase', id: row.id },
      before: { stage: row.stage },
      after: { stage: result.stage, reason },
      key: `case.rollback:${result.visitTaskId}`,
    });
    res.status(201).json({ ...result, case: await loadCaseView(db, row.id) });
  });

  /**
   * The household's ID number and phone whole, for the people whose work on the case needs them
   * (src/domain/personal-data.ts); every answer is an audit entry: who saw whose numbers, when, from where.
   */
  router.get('/:id/personal-data', async (req, res) => {
    const actor = actorOf(req);
    const row = await db.monitoringCase.findUnique({ where: { id: req.params.id }, include: { household: true } });
    // A department officer reaches a case only through a task of it in their inbox.
    const actorOpenTasks =
      row && actor.role === 'DEPARTMENT_OFFICER'
        ? (await db.task.findMany({ where: { caseId: row.id, status: 'OPEN', role: 'DEPARTMENT_OFFICER' } })).filter((t) => !refuseActor(asHumanTask(t), actor))
        : [];
    if (!row || (!canReadCase(actor, row.villageCode) && actorOpenTasks.length === 0)) throw caseNotFound();
    const refusal = refuseFullPersonalData(actor, 'case.personal-data', { villageCode: row.villageCode, closed: row.closedAt !== null, actorOpenTasks });
    if (refusal) throw refusalError(refusal);
    const { household } = row;
    await audit.record({
      action: 'case.view_personal_data',
      ...auditContext(req),
      target: { type: 'MonitoringCase', id: row.id },
      after: { householdId: household.id, fields: ['idNumber', 'phone'] },
    });
    res.set('Cache-Control', 'no-store');
    res.json({ caseId: row.id, householdId: household.id, headName: household.headName, idNumber: household.idNumber, phone: household.phone });
  });

  router.get('/:id', async (req, res) => {
    const actor = actorOf(req);
    const view = await loadCaseView(db, req.params.id);
    if (!view || !canReadCase(actor, view.villageCode)) throw caseNotFound();
    res.json(view);
  });

  return router;
}
