import { openMonitoringCase } from '../../src/activities/monitoring/intake';
import type { Actor } from '../../src/domain/roles';
import { intakeBody } from '../support/intake';
import { startStack, type Stack } from '../support/stack';

/**
 * Case intake as another process's workflow uses it (the `openMonitoringCase` activity): the same rules as a
 * caseworker's report, and idempotent by the workflow's intake key, so a retried activity opens one case.
 */
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
});

test('an intake retried with its key answers with the case it opened; another intake for the household is refused with that case', async () => {
  const worker = await stack.db.user.findUniqueOrThrow({ where: { username: 'village.worker' } });
  const actor: Actor = { userId: worker.id, username: worker.username, role: 'VILLAGE_CASEWORKER', jurisdictionCode: worker.jurisdictionCode };
  const body = intakeBody({}, { channel: 'CADRE_VISIT', riskTypes: ['UNSTABLE_EMPLOYMENT'] }) as Parameters<typeof openMonitoringCase>[2];
  const deps = { db: stack.db, temporal: { client: stack.temporal, taskQueue: stack.taskQueue } };

  const first = await openMonitoringCase(deps, actor, body, new Date(), 'relocation-x:visit-1');
  expect(first).toEqual({ caseId: expect.any(String) });
  const caseId = (first as { caseId: string }).caseId;
  // The retry (the activity run again after a crash) gets the same case, and there is still one.
  expect(await openMonitoringCase(deps, actor, body, new Date(), 'relocation-x:visit-1')).toEqual({ caseId });
  const household = await stack.db.household.findUniqueOrThrow({ where: { idNumber: body.household.idNumber } });
  expect(await stack.db.monitoringCase.count({ where: { householdId: household.id } })).toBe(1);
  // Another intake (another key, or none) finds the open case: a refusal naming it, so the caller adds its evidence there.
  expect(await openMonitoringCase(deps, actor, body, new Date(), 'relocation-x:visit-2')).toMatchObject({ refusal: { code: 'CONFLICT' }, caseId });
  // The case is readable at once, with the reporter's timeline entry.
  const view = await stack.request('GET', `/api/monitoring-cases/${caseId}`, { token: await stack.login('village.worker') });
  expect(view.status).toBe(200);
  expect(view.body.stage).toBe('HOME_VISIT');
});
