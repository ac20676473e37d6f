import { escalationTarget, escalationTargetOf, isOverdue, nextClockEvent, openTask, refuseActor, refuseDecision, type EscalationPath, type TaskSpec } from '../../src/domain/tasks/task';
import {
  acceptanceVocabulary,
  createProcessRegistry,
  gradeVocabulary,
  reviewVocabulary,
  taskSpecFor,
  type ProcessDefinition,
} from '../../src/domain/tasks/process';
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

describe('escalation paths', () => {
  const village = '500154017001';
  const tree: EscalationPath = { path: 'TREE' };
  const roles: EscalationPath = { path: 'ROLES', roles: ['COOPERATION_COORDINATOR', 'DISTRICT_APPROVER'] };
  const targets = (task: Parameters<typeof escalationTargetOf>[0]) => [1, 2, 3].map((level) => escalationTargetOf(task, level));

  test('up the tree from a village: the town reviewer at the town, the district approver at the district, then no one', () => {
    expect(targets({ jurisdictionCode: village, role: 'VILLAGE_CASEWORKER', escalation: tree })).toEqual([
      { level: 1, jurisdictionCode: '500154017', role: 'TOWN_REVIEWER' },
      { level: 2, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' },
      null,
    ]);
    expect(targets({ jurisdictionCode: '500154017', role: 'TOWN_REVIEWER', escalation: tree })).toEqual([
      { level: 1, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' },
      null,
      null,
    ]);
  });

  test('by role: the path’s roles in turn, at the task’s district', () => {
    expect(targets({ jurisdictionCode: '500154', role: 'DEPARTMENT_OFFICER', escalation: roles })).toEqual([
      { level: 1, jurisdictionCode: '500154', role: 'COOPERATION_COORDINATOR' },
      { level: 2, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' },
      null,
    ]);
    expect(escalationTargetOf({ jurisdictionCode: village, role: 'VILLAGE_CASEWORKER', escalation: roles }, 1)).toEqual({
      level: 1,
      jurisdictionCode: '500154',
      role: 'COOPERATION_COORDINATOR',
    });
  });

  test('a district task of the kit on the tree path escalates once to the district approver, unless it is the approver’s own', () => {
    expect(targets({ jurisdictionCode: '500154', role: 'COOPERATION_COORDINATOR', escalation: tree })).toEqual([
      { level: 1, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' },
      null,
      null,
    ]);
    expect(targets({ jurisdictionCode: '500154', role: 'DISTRICT_APPROVER', escalation: tree })).toEqual([null, null, null]);
  });

  test('a task opened before the kit (no path) stops at the district, as it did', () => {
    expect(targets({ jurisdictionCode: '500154', role: 'DEPARTMENT_OFFICER' })).toEqual([null, null, null]);
    expect(targets({ jurisdictionCode: village, role: 'VILLAGE_CASEWORKER' })).toEqual([escalationTarget(village, 1), escalationTarget(village, 2), null]);
  });
});

describe('SLA clock of the kit: a reminder ahead, a step’s own escalation period', () => {
  const due = 5 * day;
  const kitSpec: TaskSpec = { ...spec, dueInMs: due, remindBeforeMs: day, escalation: { path: 'TREE' }, escalationAfterMs: day };

  test('reminds ahead, at the due time, then escalates every period of the step’s own, not the case’s', () => {
    let task = openTask('t1', kitSpec, 1000);
    expect(task).toMatchObject({ remindBeforeMs: day, preReminded: false, escalationAfterMs: day });
    expect(nextClockEvent(task, 3 * day)).toEqual({ at: 1000 + 4 * day, kind: 'REMIND_BEFORE' });
    task = { ...task, preReminded: true };
    expect(nextClockEvent(task, 3 * day)).toEqual({ at: 1000 + 5 * day, kind: 'REMIND' });
    task = { ...task, reminded: true };
    expect(nextClockEvent(task, 3 * day)).toEqual({ at: 1000 + 6 * day, kind: 'ESCALATE', target: { level: 1, jurisdictionCode: '500154017', role: 'TOWN_REVIEWER' } });
    task = { ...task, escalationLevel: 1 };
    expect(nextClockEvent(task, 3 * day)).toEqual({ at: 1000 + 7 * day, kind: 'ESCALATE', target: { level: 2, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' } });
    task = { ...task, escalationLevel: 2 };
    expect(nextClockEvent(task, 3 * day)).toBeNull();
    // Without a period of its own, the case's.
    const { escalationAfterMs: _, ...casePeriod } = { ...task, escalationLevel: 0 };
    expect(nextClockEvent(casePeriod, 3 * day)).toMatchObject({ at: 1000 + 8 * day, kind: 'ESCALATE' });
  });

  test('no reminder ahead when the lead reaches back to the opening, nor once reminded at the due time', () => {
    expect(nextClockEvent(openTask('t1', { ...kitSpec, remindBeforeMs: due }, 0), day)).toEqual({ at: due, kind: 'REMIND' });
    expect(nextClockEvent(openTask('t1', { ...kitSpec, remindBeforeMs: 6 * day }, 0), day)).toEqual({ at: due, kind: 'REMIND' });
    expect(nextClockEvent({ ...openTask('t1', kitSpec, 0), reminded: true }, day)).toMatchObject({ kind: 'ESCALATE', at: due + day });
  });

  test('a calendar deadline is the due time, whatever the due period', () => {
    expect(openTask('t1', { ...kitSpec, dueAt: 42 * day }, 0).dueAt).toBe(42 * day);
  });

  test('by role: the next escalation goes to the path’s next role', () => {
    const task = { ...openTask('t1', { ...kitSpec, role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', escalation: { path: 'ROLES', roles: ['COOPERATION_COORDINATOR', 'DISTRICT_APPROVER'] } }, 0), reminded: true, preReminded: true };
    expect(nextClockEvent(task, 3 * day)).toEqual({ at: 6 * day, kind: 'ESCALATE', target: { level: 1, jurisdictionCode: '500154', role: 'COOPERATION_COORDINATOR' } });
    expect(nextClockEvent({ ...task, escalationLevel: 1 }, 3 * day)).toMatchObject({ at: 7 * day, target: { role: 'DISTRICT_APPROVER' } });
    expect(nextClockEvent({ ...task, escalationLevel: 2 }, 3 * day)).toBeNull();
  });
});

describe('process registry and the tasks a process opens', () => {
  const definition: ProcessDefinition = {
    process: 'sample',
    label: '示例业务',
    vocabulary: reviewVocabulary,
    stageLabels: { OPEN: '办理中' },
    casePath: (caseId) => `/sample/${caseId}`,
    steps: {
      REVIEW: { label: '审核', role: 'VILLAGE_CASEWORKER', level: 'VILLAGE', decisions: ['approve', 'return', 'reject'], separationOfDuties: true, sla: { due: { setting: 'stepDue.REVIEW' } } },
      FIXED: { label: '固定期限', role: 'TOWN_REVIEWER', level: 'TOWN', decisions: ['approve'], separationOfDuties: false, sla: { due: { duration: 'P5D' } } },
      REPORT: {
        label: '季度报告',
        role: 'DISTRICT_APPROVER',
        level: 'DISTRICT',
        decisions: ['approve'],
        separationOfDuties: false,
        sla: { due: { duration: 'P5D' }, deadline: { kind: 'QUARTER_END' }, remindBefore: { setting: 'remindBefore' }, escalationAfter: { duration: 'P1D' } },
      },
      YEAR_END: { label: '年末', role: 'DISTRICT_APPROVER', level: 'DISTRICT', decisions: ['approve'], separationOfDuties: false, sla: { deadline: { kind: 'MONTH_END', month: 2, yearOffset: 1 } } },
      BY_ROLE: {
        label: '协作',
        role: 'DEPARTMENT_OFFICER',
        level: 'DISTRICT',
        decisions: ['approve'],
        separationOfDuties: false,
        sla: { due: { duration: 'P3D' }, escalation: { path: 'ROLES', roles: ['COOPERATION_COORDINATOR', 'DISTRICT_APPROVER'] } },
      },
    },
  };
  const settings = { stepDue: { REVIEW: 'P3D' }, remindBefore: 'PT12H' };
  const village = '500154017001';
  const specOf = (step: string, now = 0, def = definition) => taskSpecFor(def, step, { caseJurisdiction: village, submitterId: 'u1', settings, now });

  test('two processes with one code are refused', () => {
    expect(() => createProcessRegistry([definition, { ...definition, label: '另一个' }])).toThrow('process "sample" is registered twice');
  });

  test('the registry names what its processes declare, and falls back to the code', () => {
    const registry = createProcessRegistry([definition]);
    expect(registry.get('sample')).toBe(definition);
    expect([registry.processLabel('sample'), registry.stepLabel('sample', 'REVIEW'), registry.stageLabel('sample', 'OPEN'), registry.decisionLabel('sample', 'return')]).toEqual([
      '示例业务',
      '审核',
      '办理中',
      '退回补充',
    ]);
    expect(registry.casePath('sample', 'c1')).toBe('/sample/c1');
    expect([registry.processLabel('other'), registry.stepLabel('sample', 'NOPE'), registry.casePath('other', 'c1')]).toEqual(['other', 'NOPE', '/cases/c1']);
    expect(registry.reasonRequired('other')).toEqual(['return', 'reject']);
  });

  test('a due period from a policy setting by its path (stepDue.REVIEW), the jurisdiction of the step’s level, separation of duties', () => {
    expect(specOf('REVIEW')).toEqual({
      step: 'REVIEW',
      role: 'VILLAGE_CASEWORKER',
      jurisdictionCode: village,
      allowedDecisions: ['approve', 'return', 'reject'],
      submitterId: 'u1',
      separationOfDuties: true,
      dueInMs: 3 * day,
      escalation: { path: 'TREE' },
    });
    expect(specOf('FIXED')).toMatchObject({ jurisdictionCode: '500154017', dueInMs: 5 * day });
    // Others excluded from deciding travel with a step under separation of duties only.
    const excluding = (step: string) => taskSpecFor(definition, step, { caseJurisdiction: village, submitterId: 'u1', excludedActorIds: ['u2'], settings, now: 0 });
    expect(excluding('REVIEW').excludedActorIds).toEqual(['u2']);
    expect(excluding('FIXED')).not.toHaveProperty('excludedActorIds');
    expect(specOf('BY_ROLE')).toMatchObject({ jurisdictionCode: '500154', escalation: { path: 'ROLES', roles: ['COOPERATION_COORDINATOR', 'DISTRICT_APPROVER'] } });
  });

  test('a step may take its decisions from a vocabulary of its own: its labels and reasons, in the spec and the registry', () => {
    const mixed: ProcessDefinition = {
      ...definition,
      steps: { ...definition.steps, GRADE: { label: '评定', role: 'COOPERATION_COORDINATOR', level: 'DISTRICT', decisions: ['GOOD', 'POOR'], separationOfDuties: false, sla: { due: { duration: 'P3D' } }, vocabulary: gradeVocabulary } },
    };
    expect(specOf('GRADE', 0, mixed)).toMatchObject({ decisionLabels: { GOOD: '好', POOR: '差' }, reasonRequired: ['POOR'] });
    const registry = createProcessRegistry([mixed]);
    expect([registry.decisionLabel('sample', 'POOR', 'GRADE'), registry.decisionLabel('sample', 'return', 'REVIEW')]).toEqual(['差', '退回补充']);
    expect(registry.reasonRequired('sample', 'GRADE')).toEqual(['POOR']);
  });

  test('a deadline and a due period: the earlier of the two; a deadline alone is the due time', () => {
    // Opened 30 March noon Beijing: the quarter ends in 36 hours, before P5D.
    const march30 = Date.parse('2027-03-30T04:00:00Z');
    expect(specOf('REPORT', march30)).toMatchObject({ dueAt: Date.parse('2027-03-31T16:00:00Z'), remindBeforeMs: 12 * 3_600_000, escalationAfterMs: day });
    // Opened 10 January: P5D comes first.
    const jan10 = Date.parse('2027-01-10T00:00:00Z');
    expect(specOf('REPORT', jan10).dueAt).toBe(jan10 + 5 * day);
    expect(specOf('YEAR_END', jan10)).toMatchObject({ dueInMs: 0, dueAt: Date.parse('2028-02-29T16:00:00Z') });
    expect(specOf('REVIEW')).not.toHaveProperty('dueAt');
  });

  test('a vocabulary other than the review one travels with the task: labels of the step’s decisions, which need a reason', () => {
    const graded: ProcessDefinition = { ...definition, vocabulary: gradeVocabulary, steps: { GRADE: { ...definition.steps.FIXED, decisions: ['GOOD', 'POOR'] } } };
    expect(specOf('GRADE', 0, graded)).toMatchObject({ reasonRequired: ['POOR'], decisionLabels: { GOOD: '好', POOR: '差' } });
    const accepting: ProcessDefinition = { ...definition, vocabulary: acceptanceVocabulary, steps: { ACCEPT: { ...definition.steps.FIXED, decisions: ['accept', 'return'] } } };
    const task = openTask('a1', specOf('ACCEPT', 0, accepting), 0);
    expect(refuseDecision(task, { taskId: 'a1', decision: 'return', actor: { ...head, role: 'TOWN_REVIEWER', jurisdictionCode: '500154017' } })).toEqual({
      code: 'VALIDATION',
      path: 'comment',
      reason: '选择“退回修改”时必须填写原因',
    });
    expect(specOf('REVIEW')).not.toHaveProperty('decisionLabels');
  });

  test('a grade of 差 needs a reason; a decision outside the step is refused naming the allowed ones', () => {
    const graded: ProcessDefinition = { ...definition, vocabulary: gradeVocabulary, steps: { GRADE: { ...definition.steps.FIXED, role: 'DISTRICT_APPROVER', level: 'DISTRICT', decisions: ['GOOD', 'FAIRLY_GOOD', 'AVERAGE', 'POOR'] } } };
    const task = openTask('g1', specOf('GRADE', 0, graded), 0);
    const approver = { ...head, role: 'DISTRICT_APPROVER' as const, jurisdictionCode: '500154' };
    expect(refuseDecision(task, { taskId: 'g1', decision: 'POOR', actor: approver })).toEqual({ code: 'VALIDATION', path: 'comment', reason: '选择“差”时必须填写原因' });
    expect(refuseDecision(task, { taskId: 'g1', decision: 'POOR', comment: '未完成年度目标', actor: approver })).toBeNull();
    expect(refuseDecision(task, { taskId: 'g1', decision: 'AVERAGE', actor: approver })).toBeNull();
    expect(refuseDecision(task, { taskId: 'g1', decision: 'approve', actor: approver })).toEqual({
      code: 'VALIDATION',
      path: 'decision',
      reason: '此步骤不能选择“通过”，可选：GOOD（好）、FAIRLY_GOOD（较好）、AVERAGE（一般）、POOR（差）',
    });
  });

  test('an unknown step, or a setting that is not a duration, is a programming error', () => {
    expect(() => specOf('NOPE')).toThrow('process sample has no step NOPE');
    expect(() => taskSpecFor(definition, 'REVIEW', { caseJurisdiction: village, submitterId: null, settings: {}, now: 0 })).toThrow('policy setting stepDue.REVIEW is not a duration');
  });
});
