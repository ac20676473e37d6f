import type { WorkflowHandle } from '@temporalio/client';
import { Router, type Request } from 'express';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { relocationStageLabels, type RelocationStage } from '../../domain/relocation/case';
import { canReadRelocation, refuseRelocationWrite, relocationReadScope, type RelocationWrite } from '../../domain/relocation/access';
import {
  addEmploymentUpdate,
  addProjectUpdate,
  endEmploymentUpdate,
  recordBaselineUpdate,
  recordRelocationVisitUpdate,
} from '../../domain/relocation/messages';
import {
  baselineSchema,
  createRelocationSchema,
  employmentSchema,
  endEmploymentSchema,
  listRelocationsSchema,
  projectSchema,
  relocationVisitSchema,
} from '../../domain/relocation/schemas';
import type { Actor } from '../../domain/roles';
import type { TemporalDeps } from '../../activities/monitoring/intake';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { keyedUpdate } from '../keyed-update';
import { loadRelocationView } from './relocation-view';
import { startRelocationCase } from './start-case';

const caseNotFound = () => new HttpError(404, { error: 'not_found', reason: '搬迁户案件不存在或不在您的辖区内' });

/** 易地扶贫搬迁后续扶持: cases, their baseline, ledgers and visits. Human steps go through /api/tasks. */
export function createRelocationsRouter({ db, temporal, audit }: { db: PrismaClient; temporal: TemporalDeps; audit: AuditLog }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const actor = actorOf(req);
    const body = parseOr400(createRelocationSchema, req.body);
    const { household } = body;
    const result = await startRelocationCase({ db, temporal }, actor, body);
    if ('refusal' in result) throw refusalError(result.refusal, result.caseId ? { caseId: result.caseId } : {});
    const { caseId } = result;
    await audit.record({
      action: 'relocation.start',
      ...auditContext(req),
      target: { type: 'RelocationCase', id: caseId },
      after: { stage: 'BASELINE_SURVEY', household: { idNumber: household.idNumber, villageCode: household.villageCode, memberCount: household.memberCount, laborCapacity: household.laborCapacity }, siteCode: body.siteCode, relocatedAt: body.relocatedAt },
      key: `relocation.start:${caseId}`,
    });
    res.status(201).json(await loadRelocationView(db, caseId));
  });

  router.get('/', async (req, res) => {
    const actor = actorOf(req);
    const query = parseOr400(listRelocationsSchema, req.query);
    const scope = relocationReadScope(actor);
    if (scope === null) {
      res.json({ items: [], page: query.page, pageSize: query.pageSize, total: 0 });
      return;
    }
    const where: Prisma.RelocationCaseWhereInput = {
      villageCode: { startsWith: scope },
      ...(query.siteCode && { siteCode: query.siteCode }),
      ...(query.townCode && { townCode: query.townCode }),
      ...(query.atRisk !== undefined && { atRisk: query.atRisk }),
    };
    const [total, rows] = await Promise.all([
      db.relocationCase.count({ where }),
      db.relocationCase.findMany({
        where,
        orderBy: [{ openedAt: 'desc' }, { id: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        include: { household: { select: { headName: true } }, site: { select: { name: true } } },
      }),
    ]);
    res.json({
      items: rows.map((r) => ({
        id: r.id,
        stage: r.stage,
        stageLabel: relocationStageLabels[r.stage as RelocationStage] ?? r.stage,
        atRisk: r.atRisk,
        siteCode: r.siteCode,
        siteName: r.site.name,
        headName: r.household.headName,
        villageCode: r.villageCode,
        townCode: r.townCode,
        relocatedAt: r.relocatedAt,
        openedAt: r.openedAt.toISOString(),
        monitoringCaseId: r.monitoringCaseId,
      })),
      page: query.page,
      pageSize: query.pageSize,
      total,
    });
  });

  router.get('/:id', async (req, res) => {
    const actor = actorOf(req);
    const view = await loadRelocationView(db, req.params.id);
    if (!view || !canReadRelocation(actor, view.villageCode)) throw caseNotFound();
    res.json(view);
  });

  /** The case in the caller's scope (404 otherwise), and 403 unless they may do `what` on it. */
  async function caseFor(req: Request<{ id: string }>, actor: Actor, what: RelocationWrite) {
    const row = await db.relocationCase.findUnique({ where: { id: req.params.id }, select: { id: true, workflowId: true, villageCode: true, stage: true } });
    if (!row || !canReadRelocation(actor, row.villageCode)) throw caseNotFound();
    const refusal = refuseRelocationWrite(actor, row.villageCode, what);
    if (refusal) throw refusalError(refusal);
    return row;
  }

  /** One of the case's Updates, keyed by the request's `Idempotency-Key` (src/api/keyed-update.ts). */
  function caseUpdate<R>(req: Request, actor: Actor, row: { id: string; workflowId: string }, action: string, ready: () => void, run: (h: WorkflowHandle, o: { updateId?: string }) => Promise<R>): Promise<R> {
    return keyedUpdate(temporal, { req, actor, workflowId: row.workflowId, subject: row.id, action: `relocation.${action}` }, ready, run);
  }

  /** 基线调查: the village records the baseline; it completes the survey task and opens follow-up. */
  router.post('/:id/baseline', async (req, res) => {
    const actor = actorOf(req);
    const baseline = parseOr400(baselineSchema, req.body);
    const row = await caseFor(req, actor, 'baseline');
    const ready = () => {
      if (row.stage !== 'BASELINE_SURVEY') throw new HttpError(409, { error: 'conflict', reason: '基线调查已登记' });
    };
    const result = await caseUpdate(req, actor, row, 'baseline', ready, (h, o) => h.executeUpdate(recordBaselineUpdate, { args: [{ baseline, actor }], ...o }));
    await audit.record({ action: 'relocation.baseline', ...auditContext(req), target: { type: 'RelocationCase', id: row.id }, before: { stage: row.stage }, after: { stage: result.stage, laborCapacity: baseline.laborCapacity }, key: `relocation.baseline:${row.id}` });
    res.status(201).json({ stage: result.stage, case: await loadRelocationView(db, row.id) });
  });

  router.post('/:id/employment', async (req, res) => {
    const actor = actorOf(req);
    const entry = parseOr400(employmentSchema, req.body);
    const row = await caseFor(req, actor, 'employment');
    const { entryId } = await caseUpdate(req, actor, row, 'employment', () => undefined, (h, o) => h.executeUpdate(addEmploymentUpdate, { args: [{ entry, actor }], ...o }));
    await audit.record({ action: 'relocation.employment', ...auditContext(req), target: { type: 'RelocationCase', id: row.id }, after: { entryId, employer: entry.employer, industry: entry.industry, monthlyPay: entry.monthlyPay, startDate: entry.startDate, endDate: entry.endDate ?? null }, key: `relocation.employment:${entryId}` });
    res.status(201).json({ entryId, case: await loadRelocationView(db, row.id) });
  });

  /** A job ended (`endDate`, the first day without it). */
  router.patch('/:id/employment/:entryId', async (req, res) => {
    const actor = actorOf(req);
    const { endDate } = parseOr400(endEmploymentSchema, req.body);
    const row = await caseFor(req, actor, 'employment');
    const entry = await db.relocationEmployment.findUnique({ where: { id: req.params.entryId } });
    if (!entry || entry.caseId !== row.id) throw new HttpError(404, { error: 'not_found', reason: '就业记录不存在' });
    if (endDate <= entry.startDate) throw HttpError.validation([{ path: 'endDate', message: '结束日期应晚于开始日期' }]);
    await caseUpdate(req, actor, row, 'employment-end', () => undefined, (h, o) => h.executeUpdate(endEmploymentUpdate, { args: [{ entryId: entry.id, endDate, actor }], ...o }));
    await audit.record({ action: 'relocation.employment_end', ...auditContext(req), target: { type: 'RelocationCase', id: row.id }, before: { entryId: entry.id, endDate: entry.endDate }, after: { entryId: entry.id, endDate }, key: `relocation.employment_end:${entry.id}:${endDate}` });
    res.json({ entryId: entry.id, case: await loadRelocationView(db, row.id) });
  });

  router.post('/:id/projects', async (req, res) => {
    const actor = actorOf(req);
    const entry = parseOr400(projectSchema, req.body);
    const row = await caseFor(req, actor, 'project');
    const { entryId } = await caseUpdate(req, actor, row, 'project', () => undefined, (h, o) => h.executeUpdate(addProjectUpdate, { args: [{ entry, actor }], ...o }));
    await audit.record({ action: 'relocation.project', ...auditContext(req), target: { type: 'RelocationCase', id: row.id }, after: { entryId, ...entry }, key: `relocation.project:${entryId}` });
    res.status(201).json({ entryId, case: await loadRelocationView(db, row.id) });
  });

  /** 后续扶持走访: completes the due visit and opens the next; at risk refers the household into monitoring. */
  router.post('/:id/visits', async (req, res) => {
    const actor = actorOf(req);
    const visit = parseOr400(relocationVisitSchema, req.body);
    const row = await caseFor(req, actor, 'visit');
    const ready = () => {
      if (row.stage !== 'FOLLOW_UP') throw new HttpError(409, { error: 'conflict', reason: row.stage === 'CLOSED' ? '该户已稳定达标结案，无需后续扶持走访' : '请先完成基线调查' });
    };
    const result = await caseUpdate(req, actor, row, 'visit', ready, (h, o) => h.executeUpdate(recordRelocationVisitUpdate, { args: [{ visit, actor }], ...o }));
    await audit.record({ action: 'relocation.visit', ...auditContext(req), target: { type: 'RelocationCase', id: row.id }, after: { visitId: result.visitId, atRisk: visit.atRisk, riskTypes: visit.riskTypes ?? [], monitoringCaseId: result.monitoringCaseId }, key: `relocation.visit:${result.visitId}` });
    res.status(201).json({ visitId: result.visitId, monitoringCaseId: result.monitoringCaseId, nextVisitTaskId: result.nextVisitTaskId, case: await loadRelocationView(db, row.id) });
  });

  return router;
}
