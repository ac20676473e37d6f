import type { WorkflowClientInterceptor } from '@temporalio/client';
import { actorAssertionInterceptor } from './actor-assertion';
import { lostUpdateRetryInterceptor } from './lost-update-retry';

/**
 * The API's Temporal client interceptors, outermost first: every Update carries its actor as an assertion signed for
 * it (actor-assertion.ts), and is sent again, as signed, when Temporal lost it with a failed workflow task
 * (lost-update-retry.ts).
 */
export function apiWorkflowInterceptors(assertionKey: Buffer): WorkflowClientInterceptor[] {
  return [actorAssertionInterceptor(assertionKey), lostUpdateRetryInterceptor()];
}
