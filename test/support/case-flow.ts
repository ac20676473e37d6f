import { eventually } from './eventually';
import { intakeBody } from './intake';
import type { Stack } from './stack';

/**
 * Walking a monitoring case over HTTP as the demo users do, for the API tests of the follow-up and the exit.
 * `stack` is read at each call, so a test file can take the helpers at module level and start its stack in beforeAll.
 */
export function caseFlow(stackOf: () => Stack) {
  async function as(username: string, method: string, path: string, body?: unknown) {
    const stack = stackOf();
    return stack.request(method, path, { token: await stack.login(username), body });
  }

  /** The open task of `step` in the user's inbox, once it is there. */
  async function taskOf(username: string, caseId: string, step: string) {
    let task: any;
    await eventually(async () => {
      task = (await as(username, 'GET', `/api/tasks?caseId=${caseId}`)).body.items.find((t: any) => t.caseId === caseId && t.step === step);
      return task !== undefined;
    }, 20_000);
    return task;
  }

  async function decide(username: string, caseId: string, step: string, decision = 'approve', comment?: string) {
    const res = await as(username, 'POST', `/api/tasks/${(await taskOf(username, caseId, step)).id}/complete`, { decision, comment });
    expect(res.status).toBe(200);
    return res.body;
  }

  /**
   * A household with full labour capacity reported and identified: MONITORED. `whilePosted` runs once the village
   * evaluation is posted (skip the posting period there on the time-skipping server; a short period runs out by itself).
   */
  async function monitoredCase(whilePosted: () => Promise<unknown> = async () => undefined): Promise<string> {
    const created = await as('village.worker', 'POST', '/api/monitoring-cases', intakeBody({ laborCapacity: 'full' }));
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await decide('village.worker', id, 'HOME_VISIT');
    await decide('dept.medical', id, 'DATA_MATCHING'); // 因病: 医保 compares its data
    expect((await decide('village.head', id, 'VILLAGE_REVIEW')).stage).toBe('PUBLIC_POSTING');
    await whilePosted();
    await decide('town.reviewer', id, 'TOWN_REVIEW');
    await decide('district.approver', id, 'DISTRICT_APPROVAL');
    expect((await decide('district.approver', id, 'ANNOUNCEMENT')).stage).toBe('MONITORED');
    return id;
  }

  return { as, taskOf, decide, monitoredCase };
}
