import { z } from 'zod';
import { hiddenCharacterMessage, isReadableText } from '../text';
import { decisions } from './task';

export const completeTaskSchema = z.object({
  decision: z.enum(decisions, { error: '处理意见应为 approve（通过）、return（退回补充）或 reject（不予通过）' }),
  comment: z.string().trim().max(2000, '意见不超过2000字').refine(isReadableText, hiddenCharacterMessage('意见')).optional(),
});
export type CompleteTask = z.infer<typeof completeTaskSchema>;

/** Largest inbox page: a caseworker's screen of tasks, not a bulk export. */
export const inboxMaxPageSize = 200;

/** GET /api/tasks: one page of each inbox list, in due order; `caseId` narrows both to one case's tasks (a case page's view). */
export const inboxQuerySchema = z.object({
  caseId: z.uuid({ error: '案件编号应为 UUID' }).optional(),
  page: z.coerce.number({ error: '页码应为整数' }).int('页码应为整数').min(1, '页码从1开始').default(1),
  pageSize: z.coerce
    .number({ error: '每页条数应为整数' })
    .int('每页条数应为整数')
    .min(1, '每页至少1条')
    .max(inboxMaxPageSize, `每页最多${inboxMaxPageSize}条`)
    .default(50),
});
export type InboxQuery = z.infer<typeof inboxQuerySchema>;
