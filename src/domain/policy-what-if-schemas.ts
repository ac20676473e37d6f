import { z } from 'zod';
import { policySettingsSchema } from './policy-schemas';

/** POST /api/policy/what-if: the whole proposed settings, in the shape PUT /api/policy takes them. */
export const policyWhatIfSchema = z.object({ settings: policySettingsSchema }, { error: '请求体应为JSON对象，包含 settings（拟定的政策设置）' });

export const policyWhatIfQuerySchema = z.object({
  format: z.enum(['json', 'xlsx'], { error: '格式应为 json 或 xlsx' }).default('json'),
});
