import { z } from 'zod';

export const loginSchema = z.object({
  username: z.string({ error: '请填写用户名' }).trim().min(1, '请填写用户名').max(100),
  password: z.string({ error: '请填写密码' }).min(1, '请填写密码').max(200),
});

export const minPasswordLength = 10;

/** The rule for a password being set (a user created or changing theirs); logging in checks only the hash. */
export const newPasswordSchema = z
  .string({ error: '请填写密码' })
  .min(minPasswordLength, `密码至少${minPasswordLength}个字符`)
  .max(200, '密码不超过200个字符');

/** Why a new password is refused, in Chinese; null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  const result = newPasswordSchema.safeParse(password);
  return result.success ? null : result.error.issues[0].message;
}

/** The body of a refresh. Without `refreshToken` the web app's HttpOnly cookie carries it (still a JSON body: see auth-router). */
export const refreshSchema = z.object({
  refreshToken: z.string({ error: '请提供 refreshToken' }).min(1, '请提供 refreshToken').max(500).optional(),
});

/** The refresh cookie, as the OpenAPI document describes it. */
export const refreshCookieSchema = z.object({
  assistflow_refresh: z
    .string()
    .max(500)
    .optional()
    .meta({ description: '网页端登录时设置的刷新令牌 Cookie（HttpOnly、SameSite=Strict、Path=/api/auth）；请求体中没有 refreshToken 时使用' }),
});
