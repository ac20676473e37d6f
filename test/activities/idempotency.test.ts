import { createActivities } from '../../src/activities';
import { createSmtpMailer } from '../../src/activities/mail/mailer';
import { sendOnce } from '../../src/activities/mail/notifications';
import { createPrisma } from '../../src/db/client';
import { seedDemoData, demoVillage } from '../../src/demo/seed';
import { defaultPolicySettings } from '../../src/domain/policy';
import { stepTaskSpec } from '../../src/domain/monitoring/process';
import { openTask, type HumanTask } from '../../src/domain/tasks/task';
import type { MonitoringCaseInput, MonitoringChange } from '../../src/domain/monitoring/messages';
import type { Transition } from '../../src/domain/tasks/messages';
import type { Actor } from '../../src/domain/roles';
import { startSmtpCatcher, type SmtpCatcher } from '../../src/embedded/smtp-catcher';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createTestDatabase } from '../support/database';
import { newIdNumber } from '../support/ids';

/** Activities against real PostgreSQL and SMTP: a retry (the same call again) writes and sends nothing new. */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: PrismaClient;
let mail: SmtpCatcher;
let activities: ReturnType<typeof createActivities>;
const mailer = { current: undefined as ReturnType<typeof createSmtpMailer> | undefined };

beforeAll(async () => {
  [database, mail] = await Promise.all([createTestDatabase(), startSmtpCatcher({ smtpPort: 0 })]);
  db = createPrisma(database.url, 3);
  await seedDemoData(db);
  mailer.current = createSmtpMailer(mail.smtpUrl, 'AssistFlow <noreply@assistflow.local>');
  activities = createActivities({ db, mailer: mailer.current, publicUrl: 'http://assistflow.test', assertionKey: Buffer.alloc(32, 1) });
});
afterAll(async () => {
  mailer.current?.close();
  await db?.$disconnect();
  await Promise.all([mail?.stop(), database?.drop()]);
});

async function newCase() {
  const worker = await db.user.findUniqueOrThrow({ where: { username: 'village.worker' } });
  const actor: Actor = { userId: worker.id, username: worker.username, role: 'VILLAGE_CASEWORKER', jurisdictionCode: demoVillage };
  const household = await db.household.create({
    data: { idNumber: newIdNumber(), headName: '测试户', villageCode: demoVillage, townCode: demoVillage.slice(0, 9), memberCount: 2, laborCapacity: 'full', perCapitaIncome: 4000 },
  });
  const caseId = `case-${household.id}`;
  const task = openTask(`${caseId}.1`, stepTaskSpec('HOME_VISIT', demoVillage, actor.userId, defaultPolicySettings), Date.now());
  const input: MonitoringCaseInput = {
    caseId,
    householdId: household.id,
    villageCode: demoVillage,
    category: 'MARGINAL' as const,
    channel: 'SELF_REPORT' as const,
    riskTypes: ['ILLNESS' as const],
    discoveredAt: new Date().toISOString(),
    createdBy: actor,
  };
  return { actor, caseId, task, input };
}

/** A new case's registration, as its workflow records it. */
function registration(input: MonitoringCaseInput, task: HumanTask): Transition<MonitoringChange> {
  return {
    process: 'monitoring',
    caseId: input.caseId,
    workflowId: `wf-${input.caseId}`,
    at: Date.now(),
    opened: [task],
    timeline: [{ id: `${input.caseId}:created`, at: Date.parse(input.discoveredAt), kind: 'CASE_CREATED', actorId: input.createdBy.userId, toStage: 'HOME_VISIT' }],
    change: { register: { input, stage: 'HOME_VISIT', policyVersion: 0, identificationDueAt: Date.now() + 15 * 86_400_000 } },
  };
}

test('registering a case twice leaves one case, one task and one timeline entry', async () => {
  const { caseId, task, input } = await newCase();
  const args = registration(input, task);
  await activities.recordTransition(args);
  await activities.recordTransition(args);
  expect(await db.monitoringCase.count({ where: { id: caseId } })).toBe(1);
  expect(await db.task.count({ where: { caseId } })).toBe(1);
  expect(await db.timelineEvent.count({ where: { caseId } })).toBe(1);
});

test('recording a decision twice closes the task once and opens the next step once', async () => {
  const { actor, caseId, task, input } = await newCase();
  await activities.recordTransition(registration(input, task));
  const nextTask = openTask(`${caseId}.2`, stepTaskSpec('VILLAGE_REVIEW', demoVillage, actor.userId, defaultPolicySettings), Date.now());
  const args: Transition<MonitoringChange> = {
    process: 'monitoring',
    caseId,
    workflowId: `wf-${caseId}`,
    at: Date.now(),
    decided: { task, request: { taskId: task.id, decision: 'approve', actor, clientAddress: '127.0.0.1' }, fromStage: 'HOME_VISIT', toStage: 'VILLAGE_REVIEW' },
    opened: [nextTask],
    change: { stage: 'VILLAGE_REVIEW' },
  };
  await activities.recordTransition(args);
  await activities.recordTransition(args);
  expect(await db.task.findMany({ where: { caseId }, orderBy: { id: 'asc' }, select: { status: true, step: true } })).toEqual([
    { status: 'COMPLETED', step: 'HOME_VISIT' },
    { status: 'OPEN', step: 'VILLAGE_REVIEW' },
  ]);
  expect(await db.timelineEvent.count({ where: { caseId, kind: 'TASK_DECIDED' } })).toBe(1);
  expect((await db.monitoringCase.findUniqueOrThrow({ where: { id: caseId } })).stage).toBe('VILLAGE_REVIEW');
  // The decision's audit entry is written with it, once, by the activity.
  expect(await db.auditEntry.findMany({ where: { action: 'task.decide', targetId: task.id }, select: { actorId: true, clientAddress: true } })).toEqual([{ actorId: actor.userId, clientAddress: '127.0.0.1' }]);
});

test('an overdue notice retried sends one email per level, to the right people, with no personal data', async () => {
  const { caseId, task, input } = await newCase();
  await activities.recordTransition(registration(input, task));
  const notice = { process: 'monitoring', caseId, workflowId: 'wf-1', task: { ...task, reminded: true }, escalation: null, at: task.dueAt };
  await activities.notifyOverdueTask(notice);
  await activities.notifyOverdueTask(notice);
  const escalation = { ...notice, escalation: { level: 1, jurisdictionCode: demoVillage.slice(0, 9), role: 'TOWN_REVIEWER' as const } };
  await activities.notifyOverdueTask(escalation);
  await activities.notifyOverdueTask(escalation);

  const forCase = () => mail.messages().filter((m) => m.text.includes(caseId));
  await mail.waitFor((m) => m.text.includes(caseId) && m.subject.includes('督办'));
  expect(forCase().map((m) => m.to.sort())).toEqual([
    ['village.head@demo.assistflow.local', 'village.worker@demo.assistflow.local'],
    ['town.reviewer@demo.assistflow.local'],
  ]);
  expect(forCase()[0].subject).toBe('【AssistFlow 待办提醒】大进镇大进演示一村“入户核实”已到期');
  const household = await db.household.findUniqueOrThrow({ where: { id: input.householdId } });
  for (const m of forCase()) {
    expect(m.text).not.toContain(household.idNumber);
    expect(m.text).not.toContain(household.headName);
    // The web app's case page (login first).
    expect(m.text).toContain(`查看（请先登录）：http://assistflow.test/cases/${caseId}`);
  }
  expect(await db.notification.count({ where: { caseId, sentAt: { not: null } } })).toBe(2);
  expect((await db.task.findUniqueOrThrow({ where: { id: task.id } })).escalationLevel).toBe(1);
});

test('the policy in force is the newest version effective at the time asked; version 0 is the built-in default', async () => {
  expect(await activities.loadPolicy({ at: '2020-01-01T00:00:00Z' })).toEqual({ version: 0, settings: defaultPolicySettings });
  const fast = { ...defaultPolicySettings, escalationAfter: 'PT30S' };
  await db.policyVersion.createMany({
    data: [
      { version: 1, effectiveFrom: new Date('2021-03-28T00:00:00Z'), settings: defaultPolicySettings },
      { version: 2, effectiveFrom: new Date('2022-01-01T00:00:00Z'), settings: fast },
      { version: 3, effectiveFrom: new Date('2099-01-01T00:00:00Z'), settings: defaultPolicySettings },
    ],
  });
  expect(await activities.loadPolicy({ at: '2021-06-01T00:00:00Z' })).toEqual({ version: 1, settings: defaultPolicySettings });
  expect(await activities.loadPolicy({ at: '2026-11-29T00:00:00Z' })).toEqual({ version: 2, settings: fast });
});

test('an email handed to the SMTP server is marked sent even when the database drops the first writes after it, so a retry does not send it again', async () => {
  const { caseId } = await newCase();
  // The real database, but the write after the send fails twice, as during a PostgreSQL restart (npm run chaos found it).
  let failures = 2;
  const notification = {
    findUnique: db.notification.findUnique.bind(db.notification),
    upsert: db.notification.upsert.bind(db.notification),
    update: async (args: Parameters<PrismaClient['notification']['update']>[0]) => {
      if (failures-- > 0) throw new Error('Connection terminated unexpectedly');
      return db.notification.update(args);
    },
  };
  const restarting = new Proxy(db, { get: (target, key) => (key === 'notification' ? notification : Reflect.get(target, key)) });
  const message = { idempotencyKey: `wf-restart:${caseId}`, kind: 'TASK_OVERDUE', caseId, to: ['village.head@demo.assistflow.local'], subject: '重启测试', text: caseId };

  expect(await sendOnce({ db: restarting, mailer: mailer.current! }, message)).toBe('sent');
  expect(await sendOnce({ db: restarting, mailer: mailer.current! }, message)).toBe('already-sent');
  await mail.waitFor((m) => m.text.includes(caseId));
  await new Promise((r) => setTimeout(r, 500));
  expect(mail.messages().filter((m) => m.text.includes(caseId))).toHaveLength(1);
  expect((await db.notification.findUniqueOrThrow({ where: { id: message.idempotencyKey } })).sentAt).not.toBeNull();
});
