import { Router } from 'express';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { canReadCase, caseReadScope } from '../../domain/access';
import { refuseMeasurePlan, measurePlanSchema } from '../../domain/monitoring/assistance';
import { stageLabels, type LaborCapacity, type Stage } from '../../domain/monitoring/case';
import { defaultPolicySettings, policySettingsSchema } from '../../domain/policy';
import type { Actor } from '../../domain/roles';
import { createMonitoringCaseSchema, listMonitoringCasesSchema, objectionSchema, visitSchema } from '../../domain/monitoring/schemas';
import { addMeasuresUpdate, fileObjectionUpdate, recordVisitUpdate } from '../../workflows/monitoring/monitoring-case';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { refusalFromWorkflow } from '../temporal-errors';
import { loadCaseView } from './case-view';
import { openMonitoringCase, type TemporalDeps } from './open-case';

const caseNotFound = () => new HttpError(404, { error: 'not_found', reason: '案件不存在或不在您的辖区内' });

export function createCasesRouter({ db, temporal, audit }: { db: PrismaClient; temporal: TemporalDeps; audit: AuditLog }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const actor = actorOf(req);
    const body = parseOr400(createMonitoringCaseSchema, req.body);
    const result = await openMonitoringCase({ db, temporal }, actor, body);
    if ('refusal' in result) throw refusalError(result.refusal, result.caseId ? { caseId: result.caseId } : {});
    const { household } = body;
    await audit.record({
      action: 'case.start',
      ...auditContext(req),
      target: { type: 'MonitoringCase', id: result.caseId },
      // The ID number is masked by record(); the head's name stays out of the log.
      after: {
        stage: 'HOME_VISIT',
        household: { idNumber: household.idNumber, villageCode: household.villageCode, memberCount: household.memberCount, laborCapacity: household.laborCapacity },
        category: body.category,
        channel: body.channel,
        riskTypes: body.riskTypes,
        perCapitaIncome: body.perCapitaIncome,
      },
      key: `case.start:${result.caseId}`,
    });
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
    const overdueCaseIds =
      query.overdue === undefined
        ? undefined
        : (
            await db.task.findMany({
              where: { process: 'monitoring', status: 'OPEN', dueAt: { lte: now } },
              select: { caseId: true },
              distinct: ['caseId'],
            })
          ).map((t) => t.caseId);
    const where: Prisma.MonitoringCaseWhereInput = {
      villageCode: { startsWith: scope },
      ...(query.stage && { stage: query.stage }),
      ...(query.townCode && { townCode: query.townCode }),
      ...(overdueCaseIds && { id: query.overdue ? { in: overdueCaseIds } : { notIn: overdueCaseIds } }),
    };
    const [total, rows] = await Promise.all([
      db.monitoringCase.count({ where }),
      db.monitoringCase.findMany({
        where,
        orderBy: [{ discoveredAt: 'desc' }, { id: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        include: { household: { select: { headName: true } } },
      }),
    ]);
    const overdueSet = new Set(
      (await db.task.findMany({ where: { caseId: { in: rows.map((r) => r.id) }, status: 'OPEN', dueAt: { lte: now } }, select: { caseId: true } })).map((t) => t.caseId),
    );
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
    const { content } = parseOr400(objectionSchema, req.body);
    const row = await db.monitoringCase.findUnique({ where: { id: req.params.id }, select: { workflowId: true, villageCode: true, stage: true } });
    if (!row || !canReadCase(actor, row.villageCode)) throw caseNotFound();
    if (row.stage !== 'PUBLIC_POSTING') throw new HttpError(409, { error: 'conflict', reason: '案件不在公示期，不能登记异议' });
    let taskId: string;
    try {
      ({ taskId } = await temporal.client.workflow.getHandle(row.workflowId).executeUpdate(fileObjectionUpdate, { args: [{ content, actor }] }));
    } catch (err) {
      const refusal = refusalFromWorkflow(err);
      if (refusal) throw refusalError(refusal);
      throw err;
    }
    await audit.record({
      action: 'case.objection',
      ...auditContext(req),
      target: { type: 'MonitoringCase', id: req.params.id },
      after: { objectionTaskId: taskId, content },
      key: `case.objection:${taskId}`,
    });
    res.status(201).json({ taskId, case: await loadCaseView(db, req.params.id) });
  });

  /** The case, in the caller's scope and at the stage an action needs; 404 and 409 otherwise. */
  async function caseFor(req: { params: { id: string } }, actor: Actor, stage: Stage, conflict: string) {
    const row = await db.monitoringCase.findUnique({ where: { id: req.params.id }, include: { household: { select: { laborCapacity: true } } } });
    if (!row || !canReadCase(actor, row.villageCode)) throw caseNotFound();
    if (row.stage !== stage) throw new HttpError(409, { error: 'conflict', reason: conflict });
    return row;
  }

  async function update<R>(workflowId: string, run: (handle: ReturnType<TemporalDeps['client']['workflow']['getHandle']>) => Promise<R>): Promise<R> {
    try {
      return await run(temporal.client.workflow.getHandle(workflowId));
    } catch (err) {
      const refusal = refusalFromWorkflow(err);
      if (refusal) throw refusalError(refusal);
      throw err;
    }
  }

  /** 走访: a follow-up visit of a monitored household; it completes the due visit task and schedules the next. */
  router.post('/:id/visits', async (req, res) => {
    const actor = actorOf(req);
    const visit = parseOr400(visitSchema, req.body);
    const row = await caseFor(req, actor, 'MONITORED', '只有已纳入监测的户需要定期走访');
    const result = await update(row.workflowId, (h) => h.executeUpdate(recordVisitUpdate, { args: [{ visit, actor }] }));
    await audit.record({ action: 'case.visit', ...auditContext(req), target: { type: 'MonitoringCase', id: row.id }, after: { visitId: result.visitId }, key: `case.visit:${result.visitId}` });
    res.status(201).json({ ...result, case: await loadCaseView(db, row.id) });
  });

  /** 帮扶措施: measures for a monitored household, checked against the policy before the workflow sees them. */
  router.post('/:id/measures', async (req, res) => {
    const actor = actorOf(req);
    const { measures } = parseOr400(measurePlanSchema, req.body);
    const row = await caseFor(req, actor, 'MONITORED', '只有已纳入监测的户可以制定帮扶措施');
    const pinned = await db.policyVersion.findUnique({ where: { version: row.policyVersion } });
    const settings = pinned ? policySettingsSchema.parse(pinned.settings) : defaultPolicySettings;
    const problems = refuseMeasurePlan({ laborCapacity: row.household.laborCapacity as LaborCapacity, measures, standards: settings.standards });
    if (problems.length) throw HttpError.validation(problems);
    const result = await update(row.workflowId, (h) => h.executeUpdate(addMeasuresUpdate, { args: [{ measures, actor }] }));
    await audit.record({ action: 'case.measures', ...auditContext(req), target: { type: 'MonitoringCase', id: row.id }, after: { measureIds: result.measureIds, types: measures.map((m) => m.type) } });
    res.status(201).json({ ...result, case: await loadCaseView(db, row.id) });
  });

  router.get('/:id', async (req, res) => {
    const actor = actorOf(req);
    const view = await loadCaseView(db, req.params.id);
    if (!view || !canReadCase(actor, view.villageCode)) throw caseNotFound();
    res.json(view);
  });

  return router;
}
