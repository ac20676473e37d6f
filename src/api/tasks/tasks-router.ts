import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { linkAttachments, requireCaseAttachments } from '../attachments/attachment-references';
import { completeTaskSchema, inboxQuerySchema, reassignTaskSchema } from '../../domain/tasks/schemas';
import { ErrorCode } from '../../domain/errors';
import { claimTaskUpdate, completeTaskUpdate, reassignTaskUpdate, releaseTaskUpdate } from '../../domain/tasks/messages';
import type { ProcessRegistry } from '../../domain/tasks/process';
import { decisionEventId, refuseActor, refuseDecision, refuseReassign, refuseRelease } from '../../domain/tasks/task';
import type { Role } from '../../domain/roles';
import type { PrismaClient } from '../../generated/prisma/client';
import { auditContext, clientAddress, type AuditLog } from '../audit/audit-log';
import type { ApiMetrics } from '../metrics/api-metrics';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { refusalFromWorkflow, withRefusalsAsHttp } from '../temporal-errors';
import { inboxQueries } from './inbox-query';
import { asHumanTask, inboxView, taskView } from './task-view';

const taskNotFound = () => new HttpError(404, { error: 'not_found', reason: '任务不存在' });

export function createTasksRouter({
  db,
  temporal,
  audit,
  metrics,
  processes,
}: {
  db: PrismaClient;
  temporal: { client: Client };
  audit: AuditLog;
  metrics: Pick<ApiMetrics, 'recordDecision'>;
  /** Every process's steps, decisions and labels: the kit serves them all without naming any. */
  processes: ProcessRegistry;
}): Router {
  const router = Router();

  /** The stage a decision took its case to, as the read model recorded it; null when it is not recorded. */
  const recordedDecision = async (taskId: string) => {
    const event = await db.timelineEvent.findUnique({ where: { id: decisionEventId(taskId) }, select: { toStage: true } });
    return event?.toStage ? { toStage: event.toStage } : null;
  };

  /** The caller's inbox: a page of the open tasks they may act on, and of the tasks escalated to them for supervision. */
  router.get('/', async (req, res) => {
    const actor = actorOf(req);
    const query = parseOr400(inboxQuerySchema, req.query);
    const now = new Date();
    const { mine, escalated } = inboxQueries(actor, query);
    const [mineRows, total, escalatedRows, escalatedTotal] = await Promise.all([
      db.task.findMany(mine),
      db.task.count({ where: mine.where }),
      escalated ? db.task.findMany(escalated) : Promise.resolve([]),
      escalated ? db.task.count({ where: escalated.where }) : Promise.resolve(0),
    ]);
    res.json(inboxView({ mine: mineRows, total, escalated: escalatedRows, escalatedTotal }, query, now, processes));
  });

  router.post('/:id/claim', async (req, res) => {
    const actor = actorOf(req);
    const row = await db.task.findUnique({ where: { id: req.params.id } });
    if (!row) throw taskNotFound();
    const refusal = refuseActor(asHumanTask(row, processes), actor);
    if (refusal) throw refusalError(refusal);
    const updateId = `${row.id}:claim:${actor.userId}`;
    await withRefusalsAsHttp(() => temporal.client.workflow.getHandle(row.workflowId).executeUpdate(claimTaskUpdate, { args: [{ taskId: row.id, actor }], updateId }));
    // Keyed by the Update id: a retried claim is recorded once.
    await audit.record({
      action: 'task.claim',
      ...auditContext(req),
      target: { type: 'Task', id: row.id },
      before: { assigneeId: row.assigneeId },
      after: { assigneeId: actor.userId, caseId: row.caseId, step: row.step },
      key: `task.claim:${updateId}`,
    });
    res.json(taskView(await db.task.findUniqueOrThrow({ where: { id: row.id } }), new Date(), processes));
  });

  /** 释放认领: the claimer, or a supervisor of the task (town, district, admin), frees it for everyone who may act on it. */
  router.post('/:id/release', async (req, res) => {
    const actor = actorOf(req);
    const row = await db.task.findUnique({ where: { id: req.params.id } });
    if (!row) throw taskNotFound();
    const refusal = refuseRelease(asHumanTask(row, processes), actor);
    if (refusal) throw refusalError(refusal);
    // The timeline and audit entries are written by the activity that records the release.
    await withRefusalsAsHttp(() => temporal.client.workflow.getHandle(row.workflowId).executeUpdate(releaseTaskUpdate, { args: [{ taskId: row.id, actor }] }));
    res.json(taskView(await db.task.findUniqueOrThrow({ where: { id: row.id } }), new Date(), processes));
  });

  /** 改派: a supervisor hands the task to an active account that may act on it. */
  router.post('/:id/reassign', async (req, res) => {
    const actor = actorOf(req);
    const { username } = parseOr400(reassignTaskSchema, req.body);
    const row = await db.task.findUnique({ where: { id: req.params.id } });
    if (!row) throw taskNotFound();
    const user = await db.user.findFirst({ where: { username: username.toLowerCase(), active: true } });
    if (!user) throw HttpError.validation([{ path: 'username', message: '该用户不存在或已停用' }]);
    const to = { userId: user.id, username: user.username, role: user.role as Role, jurisdictionCode: user.jurisdictionCode, department: user.department };
    const refusal = refuseReassign(asHumanTask(row, processes), actor, to);
    if (refusal) throw refusalError(refusal);
    await withRefusalsAsHttp(() => temporal.client.workflow.getHandle(row.workflowId).executeUpdate(reassignTaskUpdate, { args: [{ taskId: row.id, actor, to }] }));
    res.json(taskView(await db.task.findUniqueOrThrow({ where: { id: row.id } }), new Date(), processes));
  });

  router.post('/:id/complete', async (req, res) => {
    const actor = actorOf(req);
    const body = parseOr400(completeTaskSchema, req.body);
    const row = await db.task.findUnique({ where: { id: req.params.id } });
    if (!row) throw taskNotFound();
    const request = { taskId: row.id, decision: body.decision, comment: body.comment, actor, clientAddress: clientAddress(req) };
    // A retry of a decision this person already made goes to Temporal, which answers it from the first one.
    const isRetry = row.status === 'COMPLETED' && row.completedById === actor.userId && row.decision === body.decision;
    const refusal = isRetry ? null : refuseDecision(asHumanTask(row, processes), request);
    if (refusal) throw refusalError(refusal);
    await requireCaseAttachments(db, { process: row.process, caseId: row.caseId }, body.attachmentIds);
    let result;
    // One Update id per task, person and decision: a retried request gets the first answer, never a second decision.
    const updateId = `${row.id}:${actor.userId}:${body.decision}`;
    try {
      result = await temporal.client.workflow.getHandle(row.workflowId).executeUpdate(completeTaskUpdate, { args: [request], updateId });
    } catch (err) {
      const fromWorkflow = refusalFromWorkflow(err);
      // Temporal answers a retry from the first Update only within one run: after continue-as-new the task is closed
      // there, and the first answer is the decision as the read model recorded it.
      const recorded = isRetry && fromWorkflow?.code === ErrorCode.CONFLICT ? await recordedDecision(row.id) : null;
      if (recorded) result = { caseId: row.caseId, stage: recorded.toStage };
      else if (fromWorkflow) throw refusalError(fromWorkflow);
      else throw err;
    }
    // The decision's audit entry was written by the activity that recorded it, in the same transaction.
    if (!isRetry) metrics.recordDecision(row.process, row.step, body.decision);
    await linkAttachments(db, body.attachmentIds, 'TASK_DECISION', row.id);
    res.json({ taskId: row.id, caseId: result.caseId, stage: result.stage, stageLabel: processes.stageLabel(row.process, result.stage) });
  });

  return router;
}
