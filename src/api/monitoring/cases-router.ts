import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { Router } from 'express';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { canReadCase, caseReadScope, refuseCaseCreation } from '../../domain/access';
import { jurisdictionLevel } from '../../domain/jurisdictions';
import { monitoringWorkflowId, stageLabels, type Stage } from '../../domain/monitoring/case';
import { createMonitoringCaseSchema, listMonitoringCasesSchema, objectionSchema } from '../../domain/monitoring/schemas';
import { caseRegisteredUpdate, fileObjectionUpdate, monitoringCaseWorkflow, type MonitoringCaseInput } from '../../workflows/monitoring/monitoring-case';
import { caseStageKey, processKey, townCodeKey, overdueKey } from '../../workflows/search-attributes';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { refusalFromWorkflow } from '../temporal-errors';
import { loadCaseView } from './case-view';

export interface TemporalDeps {
  client: Client;
  taskQueue: string;
}

const caseNotFound = () => new HttpError(404, { error: 'not_found', reason: '案件不存在或不在您的辖区内' });

export function createCasesRouter({ db, temporal }: { db: PrismaClient; temporal: TemporalDeps }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const actor = actorOf(req);
    const body = parseOr400(createMonitoringCaseSchema, req.body);
    const { household } = body;
    const village = await db.jurisdiction.findUnique({ where: { code: household.villageCode } });
    if (!village || jurisdictionLevel(village.code) !== 'VILLAGE') {
      throw HttpError.validation([{ path: 'household.villageCode', message: '村（社区）代码不存在，请从辖区列表中选择' }]);
    }
    const refusal = refuseCaseCreation(actor, village.code);
    if (refusal) throw refusalError(refusal);

    const existing = await db.household.findUnique({
      where: { idNumber: household.idNumber },
      include: { cases: { where: { closedAt: null }, select: { id: true } } },
    });
    if (existing?.cases.length) {
      throw new HttpError(409, { error: 'conflict', reason: '该户已有正在办理的监测案件，同一户同时只能有一个案件', caseId: existing.cases[0].id });
    }
    // Households are reference data: the API keeps them current; the workflow only ever sees the id.
    const fields = {
      headName: household.headName,
      villageCode: village.code,
      townCode: village.code.slice(0, 9),
      memberCount: household.memberCount,
      laborCapacity: household.laborCapacity,
      perCapitaIncome: body.perCapitaIncome,
    };
    const saved = await db.household.upsert({
      where: { idNumber: household.idNumber },
      create: { idNumber: household.idNumber, ...fields },
      update: fields,
    });

    const caseId = randomUUID();
    const input: MonitoringCaseInput = {
      caseId,
      householdId: saved.id,
      villageCode: village.code,
      category: body.category,
      channel: body.channel,
      riskTypes: body.riskTypes,
      note: body.note,
      discoveredAt: new Date().toISOString(),
      createdBy: actor,
    };
    const start = new WithStartWorkflowOperation(monitoringCaseWorkflow, {
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
        throw new HttpError(409, { error: 'conflict', reason: '该户已有正在办理的监测案件，同一户同时只能有一个案件' });
      }
      throw err;
    }
    res.status(201).json(await loadCaseView(db, caseId));
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
    res.status(201).json({ taskId, case: await loadCaseView(db, req.params.id) });
  });

  router.get('/:id', async (req, res) => {
    const actor = actorOf(req);
    const view = await loadCaseView(db, req.params.id);
    if (!view || !canReadCase(actor, view.villageCode)) throw caseNotFound();
    res.json(view);
  });

  return router;
}
