import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ErrorCode, type Refusal } from '../domain/errors';
import { isErrorCode, refusalError } from './http-error';

/** A workflow's refusal (an ApplicationFailure typed with an ErrorCode), as the API reports it; null for anything else. */
export function refusalFromWorkflow(err: unknown): Refusal | null {
  if (err instanceof WorkflowNotFoundError) {
    return { code: ErrorCode.CONFLICT, reason: '该案件的流程已结束，任务不能再办理' };
  }
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : null;
  if (cause instanceof ApplicationFailure && isErrorCode(cause.type)) {
    return { code: cause.type, reason: cause.message };
  }
  return null;
}

/** Runs a call to a workflow (an Update, say): its refusals become the HTTP errors they name, anything else is thrown on. */
export async function withRefusalsAsHttp<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const refusal = refusalFromWorkflow(err);
    if (refusal) throw refusalError(refusal);
    throw err;
  }
}
