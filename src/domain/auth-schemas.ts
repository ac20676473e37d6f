import { z } from 'zod';

export const loginSchema = z.object({
  username: z.string({ error: '请填写用户名' }).trim().min(1, '请填写用户名').max(100),
  password: z.string({ error: '请填写密码' }).min(1, '请填写密码').max(200),
});
