import { demoVillage } from '../../src/demo/seed';
import { defaultPolicySettings, type PolicySettings } from '../../src/domain/policy';
import { eventually } from '../support/eventually';
import { newIdNumber } from '../support/ids';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;

// Seconds instead of days: the same policy settings the district sets, stored in the database.
const fastPolicy: PolicySettings = {
  ...defaultPolicySettings,
  stepDue: { ...defaultPolicySettings.stepDue, HOME_VISIT: 'PT2S', VILLAGE_REVIEW: 'PT2S' },
  escalationAfter: 'PT3S',
};

beforeAll(async () => {
  stack = await startStack();
  await stack.db.policyVersion.create({ data: { version: 1, effectiveFrom: new Date(Date.now() - 60_000), settings: fastPolicy } });
});
afterAll(async () => {
  await stack?.stop();
});

test('an overdue step reminds whoever may act by email, then escalates to the town and the district, each once', async () => {
  const idNumber = newIdNumber();
  const token = await stack.login('village.worker');
  const created = await stack.request('POST', '/api/monitoring-cases', {
    token,
    body: {
      household: { headName: '逾期测试户', idNumber, villageCode: demoVillage, memberCount: 3, laborCapacity: 'none' },
      category: 'SUDDEN_HARDSHIP',
      channel: 'SELF_REPORT',
      riskTypes: ['ACCIDENT'],
      perCapitaIncome: 3000,
    },
  });
  expect(created.status).toBe(201);
  expect(created.body.policyVersion).toBe(1);
  const caseId = created.body.id;
  const forCase = (kind: string) => stack.mail.messages().filter((m) => m.text.includes(caseId) && m.subject.includes(kind));

  const reminder = await stack.mail.waitFor((m) => m.text.includes(caseId) && m.subject.includes('待办提醒'), 20_000);
  expect(reminder.subject).toContain('入户核实');
  expect(reminder.to.sort()).toEqual(['village.head@demo.assistflow.local', 'village.worker@demo.assistflow.local']);

  const toTown = await stack.mail.waitFor((m) => m.text.includes(caseId) && m.subject.includes('第1级上报'), 20_000);
  expect(toTown.to).toEqual(['town.reviewer@demo.assistflow.local']);
  const toDistrict = await stack.mail.waitFor((m) => m.text.includes(caseId) && m.subject.includes('第2级上报'), 20_000);
  expect(toDistrict.to).toEqual(['district.approver@demo.assistflow.local']);

  // The inbox shows the flag, to the caseworker and to the town that supervises.
  const mine = (await stack.request('GET', `/api/tasks?caseId=${caseId}`, { token })).body.items.find((t: any) => t.caseId === caseId);
  expect(mine).toMatchObject({ overdue: true, escalated: true, escalationLevel: 2, escalatedToCode: '500154' });
  const district = (await stack.request('GET', `/api/tasks?caseId=${caseId}`, { token: await stack.login('district.approver') })).body;
  expect(district).toMatchObject({ escalatedTotal: 1, escalated: [{ caseId, escalationLevel: 2 }] });

  const overdueList = await stack.request('GET', '/api/monitoring-cases?overdue=true', { token });
  expect(overdueList.body.items.map((c: any) => c.id)).toContain(caseId);
  const view = (await stack.request('GET', `/api/monitoring-cases/${caseId}`, { token })).body;
  expect(view.overdue).toBe(true);
  expect(view.timeline.map((e: any) => e.kind)).toEqual(['CASE_CREATED', 'TASK_OVERDUE', 'TASK_ESCALATED', 'TASK_ESCALATED']);

  // No personal data in the emails, and each notice exactly once even after more time passes.
  await new Promise((r) => setTimeout(r, 4000));
  for (const m of stack.mail.messages()) {
    expect(m.text).not.toContain(idNumber);
    expect(m.text).not.toContain('逾期测试户');
  }
  expect(forCase('待办提醒')).toHaveLength(1);
  expect(forCase('第1级上报')).toHaveLength(1);
  expect(forCase('第2级上报')).toHaveLength(1);
  const notifications = await stack.db.notification.findMany({ where: { caseId } });
  expect(notifications.map((n) => n.sentAt !== null)).toEqual([true, true, true]);

  // Deciding the late step starts the next step's clock.
  const task = await eventually(async () => (await stack.request('GET', `/api/tasks?caseId=${caseId}`, { token })).body.items.find((t: any) => t.caseId === caseId));
  expect((await stack.request('POST', `/api/tasks/${task.id}/complete`, { token, body: { decision: 'approve' } })).body.stage).toBe('VILLAGE_REVIEW');
  const next = await stack.mail.waitFor((m) => m.text.includes(caseId) && m.subject.includes('村级民主评议') && m.subject.includes('待办提醒'), 20_000);
  expect(next.to).toEqual(['village.head@demo.assistflow.local']);
});
