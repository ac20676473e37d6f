import { escalationTarget, isOverdue, nextClockEvent, openTask, refuseActor, refuseDecision, type TaskSpec } from '../../src/domain/tasks/task';
import type { Actor } from '../../src/domain/roles';

const day = 86_400_000;
const spec: TaskSpec = {
  step: 'VILLAGE_REVIEW',
  role: 'VILLAGE_CASEWORKER',
  jurisdictionCode: '500154017001',
  allowedDecisions: ['approve', 'return', 'reject'],
  submitterId: 'visitor',
  separationOfDuties: true,
  dueInMs: 3 * day,
};
const head: Actor = { userId: 'head', username: 'village.head', role: 'VILLAGE_CASEWORKER', jurisdictionCode: '500154017001' };
const visitor: Actor = { ...head, userId: 'visitor', username: 'village.worker' };

describe('who may act on a task', () => {
  const task = openTask('t1', spec, 0);

  test('a caseworker of the village who did not submit the work may decide', () => {
    expect(refuseDecision(task, { taskId: 't1', decision: 'approve', actor: head })).toBeNull();
  });

  test('the submitter may not review their own work', () => {
    expect(refuseDecision(task, { taskId: 't1', decision: 'approve', actor: visitor })).toMatchObject({ code: 'FORBIDDEN' });
    expect(refuseDecision({ ...task, separationOfDuties: false }, { taskId: 't1', decision: 'approve', actor: visitor })).toBeNull();
  });

  test('another role, another village or a town above cannot act on a village step', () => {
    expect(refuseActor(task, { ...head, role: 'TOWN_REVIEWER', jurisdictionCode: '500154017' })).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('村级信息员') });
    expect(refuseActor(task, { ...head, jurisdictionCode: '500154017002' })).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('辖区') });
  });

  test('a department’s task is for its own officers only', () => {
    const officer: Actor = { userId: 'o', username: 'dept.officer', role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'CIVIL_AFFAIRS' };
    const measure = openTask('m1', { ...spec, role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'CIVIL_AFFAIRS' }, 0);
    expect(refuseActor(measure, officer)).toBeNull();
    expect(refuseActor(measure, { ...officer, department: 'EDUCATION' })).toMatchObject({ code: 'FORBIDDEN', reason: '该任务由其他部门办理' });
    expect(refuseActor({ ...measure, department: null }, { ...officer, department: 'EDUCATION' })).toBeNull();
  });

  test('a claimed task belongs to its assignee', () => {
    const claimed = { ...task, assigneeId: 'someone-else' };
    expect(refuseActor(claimed, head)).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('认领') });
    expect(refuseActor({ ...task, assigneeId: head.userId }, head)).toBeNull();
  });

  test('a closed or unknown task is a conflict or not found', () => {
    expect(refuseActor({ ...task, status: 'COMPLETED' }, head)).toMatchObject({ code: 'CONFLICT' });
    expect(refuseActor(undefined, head)).toMatchObject({ code: 'NOT_FOUND' });
  });

  test('return and reject need a reason; a decision the step does not allow is refused', () => {
    expect(refuseDecision(task, { taskId: 't1', decision: 'return', actor: head })).toMatchObject({ code: 'VALIDATION', path: 'comment' });
    expect(refuseDecision(task, { taskId: 't1', decision: 'reject', comment: '  ', actor: head })).toMatchObject({ code: 'VALIDATION', path: 'comment' });
    expect(refuseDecision(task, { taskId: 't1', decision: 'reject', comment: '收入超标', actor: head })).toBeNull();
    const visit = { ...task, allowedDecisions: ['approve' as const, 'reject' as const] };
    expect(refuseDecision(visit, { taskId: 't1', decision: 'return', comment: 'x', actor: head })).toMatchObject({ code: 'VALIDATION', path: 'decision' });
  });
});

describe('SLA clock', () => {
  test('reminds at the due time, then escalates village → town → district, then stops', () => {
    let task = openTask('t1', spec, 1000);
    expect(nextClockEvent(task, 2 * day)).toEqual({ at: 1000 + 3 * day, kind: 'REMIND' });
    task = { ...task, reminded: true };
    expect(nextClockEvent(task, 2 * day)).toEqual({
      at: 1000 + 5 * day,
      kind: 'ESCALATE',
      target: { level: 1, jurisdictionCode: '500154017', role: 'TOWN_REVIEWER' },
    });
    task = { ...task, escalationLevel: 1 };
    expect(nextClockEvent(task, 2 * day)).toMatchObject({ at: 1000 + 7 * day, target: { level: 2, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' } });
    task = { ...task, escalationLevel: 2 };
    expect(nextClockEvent(task, 2 * day)).toBeNull();
  });

  test('a town step escalates straight to the district; a district step only gets its reminder', () => {
    expect(escalationTarget('500154017', 1)).toEqual({ level: 1, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' });
    expect(escalationTarget('500154017', 2)).toBeNull();
    expect(escalationTarget('500154', 1)).toBeNull();
  });

  test('a closed task has no clock and is never overdue', () => {
    const task = { ...openTask('t1', spec, 0), status: 'COMPLETED' as const };
    expect(nextClockEvent(task, day)).toBeNull();
    expect(isOverdue(task, 10 * day)).toBe(false);
    expect(isOverdue(openTask('t2', spec, 0), 3 * day)).toBe(true);
    expect(isOverdue(openTask('t2', spec, 0), 3 * day - 1)).toBe(false);
  });
});
