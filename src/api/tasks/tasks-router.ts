import type { Client } from '@temporalio/client';
import { Router } from 'express';
import { caseAttachmentProblems, linkAttachments } from '../attachments/attachment-references';
import { bulkCompleteSchema, completeTaskSchema, inboxQuerySchema, reassignTaskSchema, type CompleteTask } from '../../domain/tasks/schemas';
import { substituteActor } from '../../domain/delegations';
import type { Refusal } from '../../domain/errors';
import type { Actor } from '../../domain/roles';
import { absentColleaguesOf } from '../delegations/delegations-store';
import { ErrorCode } from '../../domain/errors';
import { claimTaskUpdate, completeTaskUpdate, reassignTaskUpdate, releaseTaskUpdate } from '../../domain/tasks/messages';
import type { ProcessRegistry } from '../../domain/tasks/process';
import { decisionEventId, refuseActor, refuseDecision, refuseReassign, refuseRelease, type DecisionRequest } from '../../domain/tasks/task';
import type { Role } from '../../domain/roles';
import type { PrismaClient, Task } from '../../generated/prisma/client';
import { auditContext, clientAddress, type AuditLog } from '../audit/audit-log';
import type { ApiMetrics } from '../metrics/api-metrics';
import { actorOf } from '../auth/auth-router';
import { HttpError, parseOr400, refusalError } from '../http-error';
import { refusalFromWorkflow, withRefusalsAsHttp } from '../temporal-errors';
import { inboxQueries } from './inbox-query';
import { asHumanTask, inboxView, taskView } from './task-view';

const taskNotFound = () => new HttpError(404, { error: 'not_found', reason: '任务不存在' });
/** Decisions of a bulk request in flight at once: a review meeting's thirty cases in a few seconds, without flooding Temporal. */
const bulkLanes = 4;

/** A refusal as the HTTP answer it becomes (the single route's error body; a bulk result's status and reason). */
function refusalAnswer(refusal: Refusal): { status: number; body: Record<string, unknown> } {
  const err = refusalError(refusal);
  return { status: err.status, body: err.body as Record<string, unknown> };
}

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
    const [mineRows, total, escalatedRows, escalatedTotal, absentees] = await Promise.all([
      db.task.findMany(mine),
      db.task.count({ where: mine.where }),
      escalated ? db.task.findMany(escalated) : Promise.resolve([]),
      escalated ? db.task.count({ where: escalated.where }) : Promise.resolve(0),
      absentColleaguesOf(db, actor.userId, now),
    ]);
    // 代办: the tasks of absent colleagues this user stands in for, each marked with whose it is; separation of duties
    // holds for both people, so a task either of them produced is left out.
    const delegated = await Promise.all(
      absentees.map(async (absent) => {
        const substitute = substituteActor(actor, absent);
        const theirs = inboxQueries({ ...substitute, userId: absent.userId }, query).mine;
        const [rows, count] = await Promise.all([db.task.findMany(theirs), db.task.count({ where: theirs.where })]);
        const allowed = rows.filter((t) => !refuseActor(asHumanTask(t, processes), substitute));
        return { absent, rows: allowed, count: count - (rows.length - allowed.length) };
      }),
    );
    res.json(
      inboxView(
        {
          mine: mineRows,
          total,
          escalated: escalatedRows,
          escalatedTotal,
          delegated: delegated.map(({ absent, rows }) => ({ onBehalfOf: { userId: absent.userId, username: absent.username, displayName: absent.displayName }, tasks: rows })),
          delegatedTotal: delegated.reduce((n, d) => n + d.count, 0),
        },
        query,
        now,
        processes,
      ),
    );
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

  /**
   * Who decides the task: the caller, or the caller standing in for an absent colleague (代办) whose task it is, with
   * the colleague's role and area; the caller's own refusal when neither may.
   */
  async function decider(task: Task, request: DecisionRequest, now: Date): Promise<{ actor: Actor } | { refusal: Refusal }> {
    const human = asHumanTask(task, processes);
    const own = refuseDecision(human, request);
    if (!own) return { actor: request.actor };
    for (const absent of await absentColleaguesOf(db, request.actor.userId, now)) {
      const substitute = substituteActor(request.actor, absent);
      if (!refuseDecision(human, { ...request, actor: substitute })) return { actor: substitute };
    }
    return { refusal: own };
  }

  /** One decision, as the single and the bulk route make it: the same checks, the same Update, the same audit entry. */
  async function decide(caller: Actor, taskId: string, body: CompleteTask, from: string | null): Promise<{ status: number; body: Record<string, unknown> }> {
    const row = await db.task.findUnique({ where: { id: taskId } });
    if (!row) return { status: 404, body: { error: 'not_found', reason: '任务不存在' } };
    // A retry of a decision this person already made goes to Temporal, which answers it from the first one.
    const isRetry = row.status === 'COMPLETED' && row.completedById === caller.userId && row.decision === body.decision;
    let request: DecisionRequest = { taskId: row.id, decision: body.decision, comment: body.comment, actor: caller, clientAddress: from };
    if (!isRetry) {
      const who = await decider(row, request, new Date());
      if ('refusal' in who) return refusalAnswer(who.refusal);
      request = { ...request, actor: who.actor };
    }
    const attachmentProblems = await caseAttachmentProblems(db, { process: row.process, caseId: row.caseId }, body.attachmentIds);
    if (attachmentProblems.length) return { status: 400, body: { error: 'validation', issues: attachmentProblems } };
    let result;
    // One Update id per task, person and decision: a retried request gets the first answer, never a second decision.
    const updateId = `${row.id}:${caller.userId}:${body.decision}`;
    try {
      result = await temporal.client.workflow.getHandle(row.workflowId).executeUpdate(completeTaskUpdate, { args: [request], updateId });
    } catch (err) {
      const fromWorkflow = refusalFromWorkflow(err);
      // Temporal answers a retry from the first Update only within one run: after continue-as-new the task is closed
      // there, and the first answer is the decision as the read model recorded it.
      const recorded = isRetry && fromWorkflow?.code === ErrorCode.CONFLICT ? await recordedDecision(row.id) : null;
      if (recorded) result = { caseId: row.caseId, stage: recorded.toStage };
      else if (fromWorkflow) return refusalAnswer(fromWorkflow);
      else throw err;
    }
    // The decision's audit entry was written by the activity that recorded it, in the same transaction.
    if (!isRetry) metrics.recordDecision(row.process, row.step, body.decision);
    await linkAttachments(db, body.attachmentIds, 'TASK_DECISION', row.id);
    return { status: 200, body: { taskId: row.id, caseId: result.caseId, stage: result.stage, stageLabel: processes.stageLabel(row.process, result.stage) } };
  }

  router.post('/:id/complete', async (req, res) => {
    const actor = actorOf(req);
    const body = parseOr400(completeTaskSchema, req.body);
    const answer = await decide(actor, req.params.id, body, clientAddress(req));
    res.status(answer.status).json(answer.body);
  });

  /**
   * 批量审核: up to 200 tasks decided as one decision each (the same checks, Update and audit entry), a few at a time;
   * one task's refusal stops none of the others, and the same request again answers each task from its first decision.
   */
  router.post('/bulk-complete', async (req, res) => {
    const actor = actorOf(req);
    const { taskIds, ...body } = parseOr400(bulkCompleteSchema, req.body);
    const from = clientAddress(req);
    const results: Record<string, unknown>[] = new Array(taskIds.length);
    let next = 0;
    const lane = async () => {
      while (next < taskIds.length) {
        const i = next++;
        const answer = await decide(actor, taskIds[i], body, from);
        const ok = answer.status === 200;
        results[i] = {
          taskId: taskIds[i],
          status: answer.status,
          ...(ok ? { caseId: answer.body.caseId, stage: answer.body.stage, stageLabel: answer.body.stageLabel } : { error: (answer.body.reason as string | undefined) ?? (answer.body.issues as { message: string }[] | undefined)?.map((i) => i.message).join('；') }),
        };
      }
    };
    await Promise.all(Array.from({ length: Math.min(bulkLanes, taskIds.length) }, lane));
    res.json({ results });
  });

  return router;
}
