import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Request } from 'express';
import type { Actor } from '../domain/roles';
import { idempotencyKeyOf } from './idempotency-key';
import { withRefusalsAsHttp } from './temporal-errors';

/**
 * The answer the workflow gave the Update `updateId`, or null when it has none: Temporal does not know the id (it was
 * never sent, refused by a validator, or answered in a run before continue-as-new). Not found is also what it says of a
 * workflow that is gone; the Update itself then gets the refusal for that.
 */
async function answerOf<R>(handle: WorkflowHandle, updateId: string): Promise<{ value: R } | null> {
  try {
    return { value: await handle.getUpdateHandle<R>(updateId).result() };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** With an `Idempotency-Key`, the Update id of `action` on `subject` by the user: action, subject, user and key; else undefined. */
export function keyedUpdateId(req: Request, actor: Actor, subject: string, action: string): string | undefined {
  const key = idempotencyKeyOf(req);
  return key && `${action}:${subject}:${actor.userId}:${key}`;
}

/**
 * Runs one of a workflow's Updates for a request, refusals as HTTP errors. With an `Idempotency-Key` the Update id is
 * the action, subject, user and key: a request Temporal has answered before (in the workflow's current run) gets that
 * answer again, without `ready`'s checks, which the first request changed the answer of; otherwise `ready` runs first.
 * Every process's case routes send their Updates through it.
 */
export async function keyedUpdate<R>(
  temporal: { client: Client },
  p: { req: Request; actor: Actor; workflowId: string; subject: string; action: string },
  ready: () => void | Promise<void>,
  run: (handle: WorkflowHandle, options: { updateId?: string }) => Promise<R>,
): Promise<R> {
  const updateId = keyedUpdateId(p.req, p.actor, p.subject, p.action);
  const handle = temporal.client.workflow.getHandle(p.workflowId);
  return withRefusalsAsHttp(async () => {
    if (updateId) {
      const first = await answerOf<R>(handle, updateId);
      if (first) return first.value;
    }
    await ready();
    return run(handle, { updateId });
  });
}
