import { ApplicationFailure, log, proxyLocalActivities, workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { refuseAssertionBinding, type ActorAssertion } from '../../domain/tasks/actor-assertion';
import type { createTaskActivities } from '../../activities/tasks/task-activities';

/**
 * Every workflow's Updates believe an actor only with the API's signed assertion (src/domain/tasks/actor-assertion.ts):
 * the validator refuses a missing or mismatched one without a trace in history; the handler has the worker check its
 * signature and time window (a local activity, where the key is) before the process sees the Update. Registered as a
 * workflow interceptor module by the worker (src/worker-runtime.ts), so no process has to remember it.
 */
const { verifyActorAssertion } = proxyLocalActivities<ReturnType<typeof createTaskActivities>>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 5 },
});

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      validateUpdate(input, next) {
        const refusal = refuseAssertionBinding({ workflowId: workflowInfo().workflowId, updateId: input.updateId, name: input.name }, input.args);
        if (refusal) {
          // Ids and the Update's name only: what an operator needs to trace it, no payload.
          log.warn('security event: update refused, actor not vouched for by the API', { workflowId: workflowInfo().workflowId, updateId: input.updateId, update: input.name });
          throw ApplicationFailure.create({ type: refusal.code, message: refusal.reason, nonRetryable: true });
        }
        next(input);
      },
      handleUpdate(input, next) {
        const arg = input.args[0] as { assertion?: ActorAssertion } | undefined;
        // Updates without an actor carry none (the validator refused every other), nor do those of histories from
        // before assertions: they go straight on, without even a microtask more, so those histories replay unchanged.
        if (!arg || typeof arg !== 'object' || !arg.assertion) return next(input);
        const assertion = arg.assertion;
        return verifyActorAssertion({ workflowId: workflowInfo().workflowId, updateId: input.updateId, update: input.name, assertion }).then((verdict) => {
          if (!verdict.ok) throw ApplicationFailure.create({ type: 'FORBIDDEN', message: '请求未经系统授权，已拒绝并记录安全事件（身份断言无效）', nonRetryable: true });
          return next(input);
        });
      },
    },
  ],
});
