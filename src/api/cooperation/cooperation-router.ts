import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { Router, type Request } from 'express';
import { planReadScope, refuseCoordinatorAction, refusePlanRead, refuseReferenceRead } from '../../domain/cooperation/access';
import {
  amendPlanUpdate,
  cooperationPlanWorkflowType,
  planRegisteredUpdate,
  submitReportUpdate,
  type Amendment,
  type CooperationPlanInput,
  type CooperationTaskDef,
  type PlanClosing,
} from '../../domain/cooperation/messages';
import { carriedTask, cooperationPlanId, cooperationPlanWorkflowId, refusePeriod, yearEndAt } from '../../domain/cooperation/plan';
import { defaultCooperationSettings } from '../../domain/cooperation/process';
import { cooperationOffice, partnerKindLabels, responsibleUnitLabel, type PartnerKind } from '../../domain/cooperation/reference';
import {
  amendmentSchema,
  createIndicatorSchema,
  createPartnerSchema,
  createPlanSchema,
  listPlansSchema,
  planParamsSchema,
  planTaskParamsSchema,
  reportSchema,
} from '../../domain/cooperation/schemas';
import type { Actor } from '../../domain/roles';
import type { ProcessRegistry } from '../../domain/tasks/process';
import type { PrismaClient } from '../../generated/prisma/client';
import { caseStageKey, overdueKey, processKey } from '../../temporal/search-attributes';
import { auditContext, type AuditLog } from '../audit/audit-log';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { idempotencyKeyOf } from '../idempotency-key';
import { keyedUpdate } from '../keyed-update';
import { loadPlanView, planVisible } from './plan-view';

const planNotFound = () => new HttpError(404, { error: 'not_found', reason: '协作帮扶计划不存在或您无权查看' });
const taskNotFound = () => new HttpError(404, { error: 'not_found', reason: '计划中没有这个任务，或您无权查看' });


export function createCooperationRouter({
  db,
  temporal,
  audit,
  processes,
}: {
  db: PrismaClient;
  temporal: { client: Client; taskQueue: string };
  audit: AuditLog;
  processes: ProcessRegistry;
}): Router {
  const router = Router();

  const forbid = (refusal: ReturnType<typeof refusePlanRead>) => {
    if (refusal) throw refusalError(refusal);
  };

  /** Unknown indicator codes among `codes`, each as a 400 issue at its path. */
  async function unknownIndicators(codes: { path: string; code: string }[]) {
    const known = new Set((await db.cooperationIndicator.findMany({ where: { code: { in: codes.map((c) => c.code) } }, select: { code: true } })).map((i) => i.code));
    return codes.filter((c) => !known.has(c.code)).map((c) => ({ path: c.path, message: `没有这个指标：${c.code}（可由区协作办先新增指标）` }));
  }

  router.get('/partners', async (req, res) => {
    forbid(refuseReferenceRead(actorOf(req)));
    const items = await db.cooperationPartner.findMany({ orderBy: [{ createdAt: 'asc' }, { code: 'asc' }] });
    res.json({ items: items.map((p) => ({ code: p.code, name: p.name, kind: p.kind, kindLabel: partnerKindLabels[p.kind as PartnerKind] ?? p.kind })) });
  });

  router.post('/partners', async (req, res) => {
    const actor = actorOf(req);
    forbid(refuseCoordinatorAction(actor, '新增协作伙伴'));
    const body = parseOr400(createPartnerSchema, req.body);
    const key = idempotencyKeyOf(req);
    const existing = await db.cooperationPartner.findFirst({ where: { OR: [{ name: body.name }, ...(body.code ? [{ code: body.code }] : [])] } });
    const view = (p: { code: string; name: string; kind: string }) => ({ code: p.code, name: p.name, kind: p.kind, kindLabel: partnerKindLabels[p.kind as PartnerKind] ?? p.kind });
    if (existing) {
      // A retry (same key) of the request that created it gets the first answer.
      if (key && existing.name === body.name && existing.kind === body.kind && (!body.code || body.code === existing.code)) {
        const first = await db.auditEntry.findFirst({ where: { key: `cooperation.reference_create:partner:${existing.code}`, actorId: actor.userId } });
        if (first && (first.after as { idempotencyKey?: string } | null)?.idempotencyKey === key) {
          res.status(201).json(view(existing));
          return;
        }
      }
      throw new HttpError(409, { error: 'conflict', reason: `协作伙伴已存在：${existing.name}（${existing.code}）` });
    }
    const code = body.code ?? `${body.kind}_${(await db.cooperationPartner.count({ where: { kind: body.kind } })) + 1}`;
    const partner = await db.cooperationPartner.create({ data: { code, name: body.name, kind: body.kind } }).catch(() => {
      throw new HttpError(409, { error: 'conflict', reason: `协作伙伴代码或名称已存在：${code}` });
    });
    await audit.record({
      action: 'cooperation.reference_create',
      ...auditContext(req),
      target: { type: 'CooperationPartner', id: partner.code },
      after: { ...view(partner), idempotencyKey: key ?? null },
      key: `cooperation.reference_create:partner:${partner.code}`,
    });
    res.status(201).json(view(partner));
  });

  router.get('/indicators', async (req, res) => {
    forbid(refuseReferenceRead(actorOf(req)));
    const items = await db.cooperationIndicator.findMany({ orderBy: [{ createdAt: 'asc' }, { code: 'asc' }] });
    res.json({ items: items.map((i) => ({ code: i.code, label: i.label, unit: i.unit })) });
  });

  router.post('/indicators', async (req, res) => {
    const actor = actorOf(req);
    forbid(refuseCoordinatorAction(actor, '新增协作指标'));
    const body = parseOr400(createIndicatorSchema, req.body);
    const existing = await db.cooperationIndicator.findFirst({ where: { OR: [{ code: body.code }, { label: body.label }] } });
    if (existing) {
      // The same definition again (a retry) is answered as the first; a different one is a conflict.
      const key = idempotencyKeyOf(req);
      if (key && existing.code === body.code && existing.label === body.label && existing.unit === body.unit) {
        res.status(201).json({ code: existing.code, label: existing.label, unit: existing.unit });
        return;
      }
      throw new HttpError(409, { error: 'conflict', reason: `指标已存在：${existing.label}（${existing.code}）` });
    }
    const indicator = await db.cooperationIndicator.create({ data: body }).catch(() => {
      throw new HttpError(409, { error: 'conflict', reason: `指标代码或名称已存在：${body.code}` });
    });
    await audit.record({
      action: 'cooperation.reference_create',
      ...auditContext(req),
      target: { type: 'CooperationIndicator', id: indicator.code },
      after: { code: indicator.code, label: indicator.label, unit: indicator.unit },
      key: `cooperation.reference_create:indicator:${indicator.code}`,
    });
    res.status(201).json({ code: indicator.code, label: indicator.label, unit: indicator.unit });
  });

  router.post('/plans', async (req, res) => {
    const actor = actorOf(req);
    forbid(refuseCoordinatorAction(actor, '制定协作帮扶年度计划'));
    const body = parseOr400(createPlanSchema, req.body);
    const key = idempotencyKeyOf(req);
    const requestKey = key ? `${actor.userId}:${key}` : null;
    const planId = cooperationPlanId(body.partnerCode, body.year);
    const existing = await db.cooperationPlan.findUnique({ where: { id: planId }, select: { id: true, requestKey: true } });
    if (existing) {
      if (requestKey && existing.requestKey === requestKey) {
        res.status(201).json(await loadPlanView(db, planId, actor, processes));
        return;
      }
      throw new HttpError(409, { error: 'conflict', reason: `该协作伙伴${body.year}年度已有计划`, planId });
    }
    const issues = [];
    if (!(await db.cooperationPartner.findUnique({ where: { code: body.partnerCode } }))) issues.push({ path: 'partnerCode', message: `没有这个协作伙伴：${body.partnerCode}` });
    issues.push(
      ...(await unknownIndicators([
        ...body.targets.map((t, i) => ({ path: `targets.${i}.indicator`, code: t.indicator })),
        ...body.tasks.flatMap((t, i) => t.indicators.map((code, j) => ({ path: `tasks.${i}.indicators.${j}`, code }))),
      ])),
    );
    let carried: Omit<CooperationTaskDef, 'id'>[] = [];
    if (body.carryOverFrom) {
      const previous = await db.cooperationPlan.findUnique({ where: { id: body.carryOverFrom }, include: { tasks: true } });
      if (!previous) issues.push({ path: 'carryOverFrom', message: `没有这个协作帮扶计划：${body.carryOverFrom}` });
      else if (previous.partnerCode !== body.partnerCode || previous.year >= body.year) issues.push({ path: 'carryOverFrom', message: '只能承接同一协作伙伴以前年度的计划' });
      else if (previous.stage !== 'CLOSED') throw new HttpError(409, { error: 'conflict', reason: `${previous.id}计划尚未办结（年终评定和审定完成后才能结转未完成任务）` });
      else {
        const unfinished = new Set((previous.closing as PlanClosing | null)?.unfinishedTaskIds ?? []);
        carried = previous.tasks.filter((t) => unfinished.has(t.id)).map((t) => carriedTask(t, body.year));
      }
    }
    if (issues.length) throw HttpError.validation(issues);
    const input: CooperationPlanInput = {
      planId,
      partnerCode: body.partnerCode,
      year: body.year,
      agreedAt: body.agreedAt,
      targets: body.targets,
      tasks: [...body.tasks, ...carried].map((t) => ({ ...t, id: randomUUID() })),
      district: actor.jurisdictionCode.slice(0, 6),
      createdBy: actor,
      settings: { ...defaultCooperationSettings, ...body.settings },
      carryOverFrom: body.carryOverFrom ?? null,
      requestKey,
    };
    const start = new WithStartWorkflowOperation(cooperationPlanWorkflowType, {
      workflowId: cooperationPlanWorkflowId(planId),
      taskQueue: temporal.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: processKey, value: 'cooperation' },
        { key: caseStageKey, value: 'IN_PROGRESS' },
        { key: overdueKey, value: false },
      ]),
    });
    try {
      await temporal.client.workflow.executeUpdateWithStart(planRegisteredUpdate, { startWorkflowOperation: start });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new HttpError(409, { error: 'conflict', reason: `该协作伙伴${body.year}年度已有计划`, planId });
      throw err;
    }
    await audit.record({
      action: 'cooperation.plan_create',
      ...auditContext(req),
      target: { type: 'CooperationPlan', id: planId },
      after: { partnerCode: input.partnerCode, year: input.year, agreedAt: input.agreedAt, targets: input.targets, tasks: input.tasks, carryOverFrom: input.carryOverFrom },
      key: `cooperation.plan_create:${planId}`,
    });
    res.status(201).json(await loadPlanView(db, planId, actor, processes));
  });

  router.get('/plans', async (req, res) => {
    const actor = actorOf(req);
    forbid(refusePlanRead(actor));
    const scope = planReadScope(actor)!;
    const query = parseOr400(listPlansSchema, req.query);
    const where = {
      ...(query.year !== undefined && { year: query.year }),
      ...(query.partnerCode && { partnerCode: query.partnerCode }),
      ...(!scope.all && { tasks: { some: { responsibleUnit: scope.department } } }),
    };
    const [rows, total] = await Promise.all([
      db.cooperationPlan.findMany({
        where,
        include: { partner: true, tasks: { select: { stage: true, responsibleUnit: true } } },
        orderBy: [{ year: 'desc' }, { partnerCode: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
      }),
      db.cooperationPlan.count({ where }),
    ]);
    res.json({
      items: rows.map((p) => ({
        id: p.id,
        partner: { code: p.partner.code, name: p.partner.name, kind: p.partner.kind },
        year: p.year,
        agreedAt: p.agreedAt,
        stage: p.stage,
        stageLabel: processes.stageLabel('cooperation', p.stage),
        grade: p.grade,
        taskCount: p.tasks.filter((t) => scope.all || t.responsibleUnit === scope.department).length,
      })),
      page: query.page,
      pageSize: query.pageSize,
      total,
    });
  });

  router.get('/plans/:id', async (req, res) => {
    const actor = actorOf(req);
    forbid(refusePlanRead(actor));
    const { id } = parseOr400(planParamsSchema, req.params);
    const view = await loadPlanView(db, id, actor, processes);
    if (!view) throw planNotFound();
    res.json(view);
  });

  /** The plan, visible to the caller; 404 otherwise. */
  async function planInScope(actor: Actor, planId: string) {
    const scope = planReadScope(actor);
    const plan = await db.cooperationPlan.findUnique({ where: { id: planId }, include: { tasks: true } });
    if (!plan || !scope || !planVisible(scope, plan.tasks.map((t) => t.responsibleUnit))) throw planNotFound();
    return { plan, scope };
  }

  /** Runs an Update with the request's Idempotency-Key as its id (src/api/keyed-update.ts): a retry Temporal has answered gets that answer again. */
  function keyedPlanUpdate<R>(req: Request, actor: Actor, workflowId: string, action: string, ready: () => void | Promise<void>, run: (h: WorkflowHandle, o: { updateId?: string }) => Promise<R>): Promise<R> {
    return keyedUpdate(temporal, { req, actor, workflowId, subject: workflowId, action }, ready, run);
  }

  /** 季度报告: the responsible unit files a quarter's actuals; the coordinator accepts or returns it through /api/tasks. */
  router.post('/plans/:id/tasks/:taskId/reports', async (req, res) => {
    const actor = actorOf(req);
    forbid(refusePlanRead(actor));
    const params = parseOr400(planTaskParamsSchema, req.params);
    const body = parseOr400(reportSchema, req.body);
    const { plan, scope } = await planInScope(actor, params.id);
    const task = plan.tasks.find((t) => t.id === params.taskId);
    if (!task || (!scope.all && task.responsibleUnit !== scope.department)) throw taskNotFound();
    const ready = async () => {
      const isUnit = task.responsibleUnit === cooperationOffice ? actor.role === 'COOPERATION_COORDINATOR' : actor.role === 'DEPARTMENT_OFFICER' && actor.department === task.responsibleUnit;
      if (!isUnit) throw new HttpError(403, { error: 'forbidden', reason: `季度报告须由责任单位（${responsibleUnitLabel(task.responsibleUnit)}）报送` });
      const bad = refusePeriod(body.period, plan.year, Date.now());
      if (bad) throw HttpError.validation([{ path: 'period', message: bad }]);
      const foreign = Object.keys(body.actuals).filter((c) => !task.indicators.includes(c));
      if (foreign.length) throw HttpError.validation(foreign.map((c) => ({ path: `actuals.${c}`, message: `该任务不涉及指标 ${c}，可报告：${task.indicators.join('、')}` })));
      if (Date.now() >= yearEndAt(plan.year, { ...defaultCooperationSettings, ...(plan.settings as object) })) throw new HttpError(409, { error: 'conflict', reason: `${plan.year}年度已进入年终评定，不能再报送季度报告` });
      if (task.stage !== 'REPORTING') throw new HttpError(409, { error: 'conflict', reason: `该任务当前为“${processes.stageLabel('cooperation', task.stage)}”，不能再报送季度报告` });
      const earlier = await db.cooperationReport.findFirst({ where: { taskId: task.id, period: body.period, status: { in: ['SUBMITTED', 'ACCEPTED'] } } });
      if (earlier) throw new HttpError(409, { error: 'conflict', reason: `${body.period}的报告已报送（${earlier.status === 'ACCEPTED' ? '已采纳' : '待审核'}），不能重复报送`, reportId: earlier.id });
    };
    const result = await keyedPlanUpdate(req, actor, task.workflowId, `report:${task.id}`, ready, (h, o) =>
      h.executeUpdate(submitReportUpdate, { args: [{ period: body.period, actuals: body.actuals, note: body.note, ...(body.evidence?.length && { evidence: body.evidence }), actor }], ...o }),
    );
    res.status(201).json({ ...result, taskId: task.id, planId: plan.id, status: 'SUBMITTED', statusLabel: '待审核' });
  });

  /** 计划调整: add, drop or re-assign a task, or change a target, with a reason; recorded in the timeline and audit. */
  router.post('/plans/:id/amendments', async (req, res) => {
    const actor = actorOf(req);
    forbid(refusePlanRead(actor));
    const { id } = parseOr400(planParamsSchema, req.params);
    const body = parseOr400(amendmentSchema, req.body);
    const { plan } = await planInScope(actor, id);
    forbid(refuseCoordinatorAction(actor, '计划调整'));
    let amendment: Amendment;
    const a = body.amendment;
    if (a.kind === 'ADD_TASK') amendment = { kind: 'ADD_TASK', task: { ...a.task, id: randomUUID() } };
    else amendment = a;
    const ready = async () => {
      if (plan.stage !== 'IN_PROGRESS') throw new HttpError(409, { error: 'conflict', reason: `计划当前为“${processes.stageLabel('cooperation', plan.stage)}”，不能再调整` });
      if (a.kind === 'ADD_TASK') {
        const issues = await unknownIndicators(a.task.indicators.map((code, j) => ({ path: `amendment.task.indicators.${j}`, code })));
        if (issues.length) throw HttpError.validation(issues);
      } else if (a.kind === 'CHANGE_TARGET') {
        const issues = await unknownIndicators([{ path: 'amendment.indicator', code: a.indicator }]);
        if (issues.length) throw HttpError.validation(issues);
      } else {
        const task = plan.tasks.find((t) => t.id === a.taskId);
        if (!task) throw taskNotFound();
        if (task.stage === 'DROPPED') throw new HttpError(409, { error: 'conflict', reason: '该任务已取消' });
        if (a.kind === 'REASSIGN_TASK' && task.responsibleUnit === a.responsibleUnit) throw new HttpError(409, { error: 'conflict', reason: `该任务已由${responsibleUnitLabel(a.responsibleUnit)}负责` });
      }
    };
    const result = await keyedPlanUpdate(req, actor, plan.workflowId, `amend:${plan.id}`, ready, (h, o) => h.executeUpdate(amendPlanUpdate, { args: [{ amendment, reason: body.reason, actor }], ...o }));
    res.status(201).json({ ...result, plan: await loadPlanView(db, plan.id, actor, processes) });
  });

  return router;
}
