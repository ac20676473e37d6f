import { Router } from 'express';
import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { canReadCase, caseReadScope } from '../../domain/access';
import { stageLabels, type Stage } from '../../domain/monitoring/case';
import { createMonitoringCaseSchema, listMonitoringCasesSchema, objectionSchema } from '../../domain/monitoring/schemas';
import { fileObjectionUpdate } from '../../workflows/monitoring/monitoring-case';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { refusalFromWorkflow } from '../temporal-errors';
import { loadCaseView } from './case-view';
import { openMonitoringCase, type TemporalDeps } from './open-case';

const caseNotFound = () => new HttpError(404, { error: 'not_found', reason: '案件不存在或不在您的辖区内' });

export function createCasesRouter({ db, temporal }: { db: PrismaClient; temporal: TemporalDeps }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const actor = actorOf(req);
    const body = parseOr400(createMonitoringCaseSchema, req.body);
    const result = await openMonitoringCase({ db, temporal }, actor, body);
    if ('refusal' in result) throw refusalError(result.refusal, result.caseId ? { caseId: result.caseId } : {});
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
