import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, TypedSearchAttributes } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { bundleAssistFlowWorkflows } from '../../src/worker-runtime';
import { actorAssertionInterceptor, verifyAssertion } from '../../src/temporal/actor-assertion';
import { defaultRelocationSettings } from '../../src/domain/relocation/case';
import type { ReferralRequest, ReferralResult, RelocationChange } from '../../src/domain/relocation/messages';
import { beijingDay } from '../../src/domain/relocation/targets';
import type { Transition } from '../../src/domain/tasks/messages';
import type { EscalationTarget, HumanTask } from '../../src/domain/tasks/task';
import type { Actor } from '../../src/domain/roles';
import { temporalTestServerPath } from '../../src/embedded/paths';
import { ensureSearchAttributes } from '../../src/embedded/search-attributes-setup';
import {
  addEmploymentUpdate,
  addProjectUpdate,
  endEmploymentUpdate,
  recordBaselineUpdate,
  recordRelocationVisitUpdate,
  relocationCaseWorkflow,
  relocationRegisteredUpdate,
  relocationStateQuery,
  type RelocationCaseInput,
} from '../../src/workflows/relocation/relocation-case';
import { completeTaskUpdate } from '../../src/workflows/tasks/task-board';
import { caseStageKey, overdueKey } from '../../src/temporal/search-attributes';
import { eventually } from '../support/eventually';
import { testDataConverter as dataConverter } from '../support/history-codec';

/** 易地扶贫搬迁后续扶持 on the time-skipping server, with fake activities recording what the workflow asked for. */

const village = '500154017001';
const worker: Actor = { userId: 'u-worker', username: 'village.worker', role: 'VILLAGE_CASEWORKER', jurisdictionCode: village };
const town: Actor = { userId: 'u-town', username: 'town.reviewer', role: 'TOWN_REVIEWER', jurisdictionCode: '500154017' };
const hr: Actor = { userId: 'u-hr', username: 'hr.officer', role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'HUMAN_RESOURCES' };
const civil: Actor = { userId: 'u-civil', username: 'dept.officer', role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'CIVIL_AFFAIRS' };
const assertionKey = randomBytes(32);
const baseline = { memberCount: 4, laborForceCount: 2, laborCapacity: 'full' as const, skills: ['电焊'], healthStatus: 'GOOD' as const, workWishes: '', trainingWishes: '' };
const job = { memberName: '演示成员', employer: '演示食品厂', industry: '食品加工', monthlyPay: 3200, startDate: '2020-01-01' };
const project = { name: '演示柑橘种植', type: 'PLANTING' as const, startDate: '2020-01-01' };

interface Calls {
  transitions: Transition[];
  notices: { task: HumanTask; escalation: EscalationTarget | null }[];
  referrals: ReferralRequest[];
}

function fakeActivities(referral: ReferralResult) {
  const calls: Calls = { transitions: [], notices: [], referrals: [] };
  const activities = {
    async recordTransition(t: Transition) {
      calls.transitions.push(t);
    },
    async verifyActorAssertion(a: { assertion: Parameters<typeof verifyAssertion>[1] }) {
      return verifyAssertion(assertionKey, a.assertion, Date.now());
    },
    async recordTaskClaim() {},
    async notifyOverdueTask(a: { task: HumanTask; escalation: EscalationTarget | null }) {
      calls.notices.push({ task: a.task, escalation: a.escalation });
    },
    async 'relocation.referToMonitoring'(r: ReferralRequest) {
      calls.referrals.push(r);
      return referral;
    },
  };
  return { calls, activities };
}

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundle;
let sequence = 0;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  bundle = await bundleAssistFlowWorkflows({ logger: new DefaultLogger('WARN') });
});
beforeEach(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    client: { dataConverter, interceptors: { workflow: [actorAssertionInterceptor(assertionKey)] } },
    server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
  });
  await ensureSearchAttributes({ address: env.address, namespace: 'default' });
});
afterEach(async () => {
  await env?.teardown();
});

type Handle = WorkflowHandle<typeof relocationCaseWorkflow>;

async function withCase(
  test: (ctx: { handle: Handle; calls: Calls; caseId: string; workflowId: string }) => Promise<void>,
  options: { laborCapacity?: RelocationCaseInput['laborCapacity']; referral?: ReferralResult; historyEventsLimit?: number } = {},
) {
  sequence++;
  const taskQueue = `relocation-test-${sequence}`;
  const { calls, activities } = fakeActivities(options.referral ?? { monitoringCaseId: 'monitoring-1', referred: true });
  const w = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities, dataConverter });
  await w.runUntil(async () => {
    const caseId = `relocation-case-${sequence}`;
    const workflowId = `relocation-household-${sequence}`;
    const input: RelocationCaseInput = {
      caseId,
      householdId: `household-${sequence}`,
      villageCode: village,
      siteCode: 'DJ-JZ-01',
      relocatedAt: '2026-06-01',
      laborCapacity: options.laborCapacity ?? 'full',
      createdBy: town,
      openedAt: new Date(await env.currentTimeMs()).toISOString(),
      settings: defaultRelocationSettings,
      ...(options.historyEventsLimit && { historyEventsLimit: options.historyEventsLimit }),
    };
    const handle = await env.client.workflow.start(relocationCaseWorkflow, {
      taskQueue,
      workflowId,
      args: [input],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: caseStageKey, value: 'BASELINE_SURVEY' },
        { key: overdueKey, value: false },
      ]),
    });
    await handle.executeUpdate(relocationRegisteredUpdate);
    try {
      await test({ handle, calls, caseId, workflowId });
    } finally {
      await eventually(async () => ((await handle.describe()).raw.pendingActivities ?? []).length === 0, 10_000).catch(() => undefined);
      // `RECORD_RELOCATION_HISTORIES=<version> npx jest test/workflows/relocation-case.test.ts` saves each path's history
      // under histories/relocation-<version> for the replay test.
      if (process.env.RECORD_RELOCATION_HISTORIES) {
        const name = expect.getState().currentTestName!.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '').toLowerCase();
        const dir = path.join(__dirname, 'histories', `relocation-${process.env.RECORD_RELOCATION_HISTORIES}`);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, `${name}.binpb`), temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish());
      }
      await handle.terminate('test finished').catch(() => undefined);
    }
  });
}

const stateOf = (handle: Handle) => handle.query(relocationStateQuery);
const changes = (calls: Calls) => calls.transitions.map((t) => (t.change ?? {}) as RelocationChange);
const timelineKinds = (calls: Calls) => calls.transitions.flatMap((t) => (t.timeline ?? []).map((e) => e.kind));

async function refusalOf(promise: Promise<unknown>): Promise<{ type: string | undefined | null; message: string }> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as ApplicationFailure;
    return { type: cause.type, message: cause.message };
  }
  throw new Error('expected the update to be refused');
}

/** Baseline recorded, a job and a project on the ledgers: both targets met from now. */
async function targetsMet(handle: Handle) {
  await handle.executeUpdate(recordBaselineUpdate, { args: [{ baseline, actor: worker }] });
  const { entryId } = await handle.executeUpdate(addEmploymentUpdate, { args: [{ entry: job, actor: hr }] });
  await handle.executeUpdate(addProjectUpdate, { args: [{ entry: project, actor: worker }] });
  return entryId;
}

test('the workflow bundle holds no zod (schemas are imported for their types only)', () => {
  expect(bundle.code).not.toMatch(/node_modules\/zod\//);
});

test('the case registers with its baseline survey for the village; recording the baseline opens quarterly follow-up', async () => {
  await withCase(async ({ handle, calls, caseId }) => {
    const registration = calls.transitions[0];
    expect(changes(calls)[0].register).toMatchObject({ stage: 'BASELINE_SURVEY' });
    expect(registration.opened!.map((t) => [t.step, t.role, t.jurisdictionCode, t.allowedDecisions])).toEqual([['BASELINE_SURVEY', 'VILLAGE_CASEWORKER', village, []]]);
    expect(await refusalOf(handle.executeUpdate(recordRelocationVisitUpdate, { args: [{ visit: { atRisk: false, perCapitaIncome: 1 }, actor: worker }] }))).toMatchObject({ type: 'CONFLICT' });
    expect(await refusalOf(handle.executeUpdate(recordBaselineUpdate, { args: [{ baseline, actor: town }] }))).toMatchObject({ type: 'FORBIDDEN' });
    const surveyTask = registration.opened![0];
    expect(await refusalOf(handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: surveyTask.id, decision: 'approve', actor: worker }] }))).toMatchObject({ type: 'VALIDATION' });

    const now = await env.currentTimeMs();
    await handle.executeUpdate(recordBaselineUpdate, { args: [{ baseline, actor: worker }] });
    const recorded = calls.transitions.at(-1)!;
    expect(recorded.completed).toEqual([{ taskId: surveyTask.id, actorId: worker.userId }]);
    expect(recorded.opened!.map((t) => t.step)).toEqual(['FOLLOW_UP_VISIT']);
    // Quarterly by default.
    expect(recorded.opened![0].dueAt - now).toBeGreaterThanOrEqual(91 * 86_400_000);
    expect(recorded.opened![0].dueAt - now).toBeLessThan(92 * 86_400_000);
    const state = await stateOf(handle);
    expect(state).toMatchObject({ caseId, stage: 'FOLLOW_UP', atRisk: false });
    expect(state.targetsDueAt! - now).toBeGreaterThanOrEqual(90 * 86_400_000);

    // Who keeps which ledger: 人社 the employment, not the projects; other departments neither.
    expect(await refusalOf(handle.executeUpdate(addEmploymentUpdate, { args: [{ entry: job, actor: civil }] }))).toMatchObject({ type: 'FORBIDDEN' });
    expect(await refusalOf(handle.executeUpdate(addProjectUpdate, { args: [{ entry: project, actor: hr }] }))).toMatchObject({ type: 'FORBIDDEN' });
    expect(await handle.executeUpdate(addEmploymentUpdate, { args: [{ entry: job, actor: hr }] })).toEqual({ entryId: `${caseId}.e1` });
  });
});

test('both targets met and kept for the stable period close the case', async () => {
  await withCase(async ({ handle, calls }) => {
    await targetsMet(handle);
    const met = await stateOf(handle);
    expect(met.metSince).not.toBeNull();
    expect(met.targetsDueAt).toBeNull();
    await env.sleep('300 days');
    expect((await stateOf(handle)).stage).toBe('FOLLOW_UP');
    await env.sleep('66 days');
    await eventually(async () => (await stateOf(handle)).stage === 'CLOSED');
    const state = await stateOf(handle);
    expect(state.openTasks).toEqual([]);
    expect(timelineKinds(calls)).toContain('CASE_CLOSED');
    expect(changes(calls).at(-1)!.state).toMatchObject({ stage: 'CLOSED' });
    // No supervision was ever needed.
    expect(timelineKinds(calls)).not.toContain('TARGETS_UNMET');
    // Closed: no more visits.
    expect(await refusalOf(handle.executeUpdate(recordRelocationVisitUpdate, { args: [{ visit: { atRisk: false, perCapitaIncome: 1 }, actor: worker }] }))).toMatchObject({ type: 'CONFLICT' });
  });
});

test('a job lost after closing reopens follow-up', async () => {
  await withCase(async ({ handle, calls }) => {
    const entryId = await targetsMet(handle);
    await env.sleep('366 days');
    await eventually(async () => (await stateOf(handle)).stage === 'CLOSED');
    const today = beijingDay(await env.currentTimeMs());
    await handle.executeUpdate(endEmploymentUpdate, { args: [{ entryId, endDate: today, actor: worker }] });
    const state = await stateOf(handle);
    expect(state).toMatchObject({ stage: 'FOLLOW_UP', metSince: null });
    expect(state.openTasks.map((t) => t.step)).toEqual(['FOLLOW_UP_VISIT']);
    expect(timelineKinds(calls)).toContain('CASE_REOPENED');
    expect(changes(calls).at(-1)).toMatchObject({ employmentEnded: { entryId, endDate: today }, state: { stage: 'FOLLOW_UP' } });
    // A new job: the stable period starts afresh.
    await handle.executeUpdate(addEmploymentUpdate, { args: [{ entry: { ...job, startDate: today }, actor: hr }] });
    expect((await stateOf(handle)).metSince).not.toBeNull();
  });
});

test('targets unmet past the deadline open supervision for the town, escalated to the district; meeting them ends it', async () => {
  await withCase(async ({ handle, calls }) => {
    await handle.executeUpdate(recordBaselineUpdate, { args: [{ baseline, actor: worker }] });
    await handle.executeUpdate(addProjectUpdate, { args: [{ entry: project, actor: town }] });
    await env.sleep('89 days');
    expect((await stateOf(handle)).openTasks.map((t) => t.step)).toEqual(['FOLLOW_UP_VISIT']);
    await env.sleep('2 days');
    const supervision = await eventually(async () => (await stateOf(handle)).openTasks.find((t) => t.step === 'TARGET_SUPERVISION'));
    expect(supervision).toMatchObject({ role: 'TOWN_REVIEWER', jurisdictionCode: '500154017', allowedDecisions: ['approve'] });
    expect((await stateOf(handle)).atRisk).toBe(true);
    expect(calls.transitions.flatMap((t) => t.timeline ?? []).find((e) => e.kind === 'TARGETS_UNMET')!.comment).toContain('就业目标逾期未达标');
    expect(changes(calls).at(-1)!.state).toMatchObject({ atRisk: true });

    // Due after 15 days, then up the tree to the district after the escalation period.
    await env.sleep('15 days');
    await eventually(() => calls.notices.some((n) => n.task.id === supervision.id && n.escalation === null));
    await env.sleep('7 days');
    const escalated = await eventually(() => calls.notices.find((n) => n.task.id === supervision.id && n.escalation));
    expect(escalated.escalation).toEqual({ level: 1, jurisdictionCode: '500154', role: 'DISTRICT_APPROVER' });
    await env.sleep('30 days');
    // The district is the top: no further level.
    expect(calls.notices.filter((n) => n.task.id === supervision.id && n.escalation).map((n) => n.escalation!.level)).toEqual([1]);

    // The town records its supervision (a reason is required); still unmet, the next round comes after another deadline.
    expect(await refusalOf(handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: supervision.id, decision: 'approve', actor: town }] }))).toMatchObject({ type: 'VALIDATION' });
    expect(await handle.executeUpdate(completeTaskUpdate, { args: [{ taskId: supervision.id, decision: 'approve', comment: '已对接就业岗位', actor: town }] })).toMatchObject({ stage: 'FOLLOW_UP' });
    expect(calls.transitions.at(-1)!.decided).toMatchObject({ task: { id: supervision.id }, request: { decision: 'approve' } });
    await env.sleep('91 days');
    const second = await eventually(async () => (await stateOf(handle)).openTasks.find((t) => t.step === 'TARGET_SUPERVISION'));
    expect(second.id).not.toBe(supervision.id);

    // A job found: the targets are met, the supervision is over, the case is no longer at risk.
    await handle.executeUpdate(addEmploymentUpdate, { args: [{ entry: job, actor: worker }] });
    const state = await stateOf(handle);
    expect(state.openTasks.map((t) => t.step)).not.toContain('TARGET_SUPERVISION');
    expect(state.atRisk).toBe(false);
    expect(calls.transitions.at(-1)!.cancelled).toEqual([second.id]);
    expect(timelineKinds(calls)).toContain('TARGETS_MET');
  });
});

test('a household without labour capacity has no targets: no supervision, never closed', async () => {
  await withCase(
    async ({ handle, calls }) => {
      await handle.executeUpdate(recordBaselineUpdate, { args: [{ baseline: { ...baseline, laborCapacity: 'none', laborForceCount: 0 }, actor: worker }] });
      await env.sleep('400 days');
      const state = await stateOf(handle);
      expect(state.stage).toBe('FOLLOW_UP');
      expect(state.openTasks.map((t) => t.step)).toEqual(['FOLLOW_UP_VISIT']);
      expect(timelineKinds(calls)).not.toContain('TARGETS_UNMET');
    },
    { laborCapacity: 'none' },
  );
});

test('a visit at risk refers the household into monitoring through the intake, keyed by workflow and visit', async () => {
  await withCase(async ({ handle, calls, caseId, workflowId }) => {
    await handle.executeUpdate(recordBaselineUpdate, { args: [{ baseline, actor: worker }] });
    expect(await handle.executeUpdate(recordRelocationVisitUpdate, { args: [{ visit: { atRisk: false, perCapitaIncome: 9000 }, actor: worker }] })).toMatchObject({ visitId: `${caseId}.v1`, monitoringCaseId: null });
    expect(calls.referrals).toEqual([]);
    const result = await handle.executeUpdate(recordRelocationVisitUpdate, { args: [{ visit: { atRisk: true, riskTypes: ['UNSTABLE_EMPLOYMENT'], perCapitaIncome: 5000, note: '务工中断' }, actor: worker }] });
    expect(result).toMatchObject({ visitId: `${caseId}.v2`, monitoringCaseId: 'monitoring-1' });
    expect(calls.referrals).toEqual([expect.objectContaining({ intakeKey: `${workflowId}:${caseId}.v2`, riskTypes: ['UNSTABLE_EMPLOYMENT'], perCapitaIncome: 5000, actor: worker, relocationCaseId: caseId })]);
    const recorded = changes(calls).at(-1)!;
    expect(recorded.visit).toMatchObject({ visitId: `${caseId}.v2`, monitoringCaseId: 'monitoring-1', referred: true });
    expect(recorded.evidence).toBeUndefined();
    expect(recorded.state).toMatchObject({ atRisk: true, monitoringCaseId: 'monitoring-1' });
    expect(timelineKinds(calls)).toContain('REFERRED_TO_MONITORING');
    // Each visit closed the due one and opened the next.
    expect((await stateOf(handle)).openTasks.filter((t) => t.step === 'FOLLOW_UP_VISIT')).toHaveLength(1);
  });
});

test('a visit at risk of a household with a monitoring case open adds its finding to that case', async () => {
  await withCase(
    async ({ handle, calls, caseId }) => {
      await handle.executeUpdate(recordBaselineUpdate, { args: [{ baseline, actor: worker }] });
      const result = await handle.executeUpdate(recordRelocationVisitUpdate, { args: [{ visit: { atRisk: true, riskTypes: ['ILLNESS'], perCapitaIncome: 4000 }, actor: town }] });
      expect(result.monitoringCaseId).toBe('open-monitoring-case');
      const recorded = changes(calls).at(-1)!;
      expect(recorded.visit).toMatchObject({ monitoringCaseId: 'open-monitoring-case', referred: false });
      expect(recorded.evidence).toEqual({ monitoringCaseId: 'open-monitoring-case', visitId: `${caseId}.v1`, riskTypes: ['ILLNESS'], actorId: town.userId, actorName: town.username, note: null });
      expect(timelineKinds(calls)).toContain('EVIDENCE_TO_MONITORING');
    },
    { referral: { monitoringCaseId: 'open-monitoring-case', referred: false } },
  );
});

test('a long-lived case continues as new with its open tasks, ledgers and clocks', async () => {
  await withCase(
    async ({ handle, caseId }) => {
      const firstRun = (await handle.describe()).runId;
      await handle.executeUpdate(recordBaselineUpdate, { args: [{ baseline, actor: worker }] });
      for (let i = 0; i < 6; i++) await handle.executeUpdate(addProjectUpdate, { args: [{ entry: { ...project, name: `项目${i}` }, actor: worker }] });
      await eventually(async () => (await handle.describe()).runId !== firstRun, 15_000);
      const state = await stateOf(handle);
      expect(state.stage).toBe('FOLLOW_UP');
      expect(state.projects).toHaveLength(6);
      expect(state.openTasks.map((t) => t.step)).toEqual(['FOLLOW_UP_VISIT']);
      // Ids count on across runs.
      expect(await handle.executeUpdate(addEmploymentUpdate, { args: [{ entry: job, actor: worker }] })).toEqual({ entryId: `${caseId}.e7` });
      expect((await stateOf(handle)).metSince).not.toBeNull();
    },
    { historyEventsLimit: 40 },
  );
});
