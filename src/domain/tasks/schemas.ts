import { z } from 'zod';
import { decisions } from './task';

export const completeTaskSchema = z.object({
  decision: z.enum(decisions, { error: '处理意见应为 approve（通过）、return（退回补充）或 reject（不予通过）' }),
  comment: z.string().trim().max(2000, '意见不超过2000字').optional(),
});
export type CompleteTask = z.infer<typeof completeTaskSchema>;
