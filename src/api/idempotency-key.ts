import type { Request } from 'express';
import { z } from 'zod';
import { parseOr400 } from './http-error';

/**
 * `Idempotency-Key`: a client that may send a request again (after a timeout, a lost connection, a 5xx) names it with
 * a key of its own, a UUID say, and sends the same key again; the server answers the retry with the first answer.
 * Express lowercases header names, so the schema's key is lowercase; OpenAPI header names are case-insensitive.
 */
export const idempotencyKeyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'Idempotency-Key 应为8至128位的字母、数字或 _ . : -，例如一个UUID')
    .optional()
    .describe('客户端为本次请求生成的唯一标识（如UUID）。网络中断等原因重发同一请求时带上同一值，服务器返回第一次的结果，不会重复登记。'),
});

/** The request's key, or undefined without one; 400 when it is malformed. */
export function idempotencyKeyOf(req: Request): string | undefined {
  return parseOr400(idempotencyKeyHeaders, { 'idempotency-key': req.get('idempotency-key') })['idempotency-key'];
}
