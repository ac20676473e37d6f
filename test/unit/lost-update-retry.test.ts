import type { WorkflowStartUpdateInput, WorkflowStartUpdateOutput } from '@temporalio/client';
import { isLostUpdate, lostUpdateRetryInterceptor } from '../../src/temporal/lost-update-retry';

const lost = () => new Error('Workflow Update failed', { cause: Object.assign(new Error('9 FAILED_PRECONDITION: Unable to perform workflow execution update due to unexpected workflow task failure.'), { code: 9 }) });
const refused = () => new Error('Workflow Update failed', { cause: Object.assign(new Error('该任务已办结，不能再次处理'), { code: 3 }) });
const input = { updateName: 'completeTask', args: [{}], options: {}, headers: {}, workflowExecution: { workflowId: 'w' } } as unknown as WorkflowStartUpdateInput;
const output = { updateId: 'u', workflowRunId: 'r' } as WorkflowStartUpdateOutput;

test('only the "unexpected workflow task failure" answer counts as a lost Update', () => {
  expect(isLostUpdate(lost())).toBe(true);
  expect(isLostUpdate(refused())).toBe(false);
  expect(isLostUpdate(new Error('no cause'))).toBe(false);
});

test('a lost Update is sent again with one Update id; a refusal is not retried; it gives up after five tries', async () => {
  const retry = lostUpdateRetryInterceptor(1).startUpdate!;
  const ids: (string | undefined)[] = [];
  let failures = 2;
  const flaky = async (i: WorkflowStartUpdateInput) => {
    ids.push(i.options.updateId);
    if (failures-- > 0) throw lost();
    return output;
  };
  await expect(retry(input, flaky)).resolves.toBe(output);
  expect(ids).toHaveLength(3);
  expect(new Set(ids).size).toBe(1);
  expect(ids[0]).toEqual(expect.any(String));

  let calls = 0;
  await expect(retry(input, async () => (calls++, Promise.reject(refused())))).rejects.toThrow('Workflow Update failed');
  expect(calls).toBe(1);

  calls = 0;
  await expect(retry({ ...input, options: { updateId: 'given' } } as WorkflowStartUpdateInput, async () => (calls++, Promise.reject(lost())))).rejects.toThrow();
  expect(calls).toBe(5);
});
