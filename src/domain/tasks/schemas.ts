import { z } from 'zod';
import { attachmentIdsSchema } from '../attachments';
import { hiddenCharacterMessage, isReadableText } from '../text';

/** A decision code of the task's process vocabulary (approve, return, reject; accept; GOOD, …): the task says which it allows. */
export const decisionCodeSchema = z
  .string({ error: '处理意见应为该任务可选的办理结果代码，例如 approve（通过）、return（退回补充）、reject（不予通过）' })
  .regex(/^[A-Za-z_]{1,32}$/, '处理意见应为该任务可选的办理结果代码，例如 approve（通过）、return（退回补充）、reject（不予通过）');

/** Case ids of every process: UUIDs today, any short code of letters, digits and - _ . : tomorrow. */
export const caseIdSchema = z.string({ error: '案件编号应为字符串' }).regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, '案件编号应为1至128位字母、数字或 - _ . :');

export const completeTaskSchema = z.object({
  decision: decisionCodeSchema,
  comment: z.string().trim().max(2000, '意见不超过2000字').refine(isReadableText, hiddenCharacterMessage('意见')).optional(),
  /** 佐证材料 of the task's case that support the decision (uploaded first through the case's attachments route). */
  attachmentIds: attachmentIdsSchema.optional(),
});
export type CompleteTask = z.infer<typeof completeTaskSchema>;

/** Largest inbox page: a caseworker's screen of tasks, not a bulk export. */
export const inboxMaxPageSize = 200;

/** GET /api/tasks: one page of each inbox list, in due order; `caseId` narrows both to one case's tasks (a case page's view). */
export const inboxQuerySchema = z.object({
  caseId: caseIdSchema.optional(),
  page: z.coerce.number({ error: '页码应为整数' }).int('页码应为整数').min(1, '页码从1开始').default(1),
  pageSize: z.coerce
    .number({ error: '每页条数应为整数' })
    .int('每页条数应为整数')
    .min(1, '每页至少1条')
    .max(inboxMaxPageSize, `每页最多${inboxMaxPageSize}条`)
    .default(50),
});
export type InboxQuery = z.infer<typeof inboxQuerySchema>;

/** POST /api/tasks/:id/reassign: whom a supervisor hands the task to. */
export const reassignTaskSchema = z.object(
  { username: z.string({ error: '请填写接手人员的用户名' }).trim().min(1, '请填写接手人员的用户名').max(64, '用户名不超过64个字符') },
  { error: '请求体应为JSON对象，包含 username' },
);

/** Largest bulk decision: a review meeting's list, not the whole district. */
export const bulkMaxTasks = 200;

/** POST /api/tasks/bulk-complete: one decision (and reason) for each of the listed tasks. */
export const bulkCompleteSchema = z.object(
  {
    taskIds: z
      .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/, '任务编号格式不正确'), { error: 'taskIds 应为任务编号数组' })
      .min(1, '请至少选择1项任务')
      .max(bulkMaxTasks, `一次最多批量办理${bulkMaxTasks}项任务`)
      .refine((ids) => new Set(ids).size === ids.length, '任务编号不能重复'),
    decision: decisionCodeSchema,
    comment: z.string().trim().max(2000, '意见不超过2000字').refine(isReadableText, hiddenCharacterMessage('意见')).optional(),
  },
  { error: '请求体应为JSON对象，包含 taskIds 和 decision' },
);
