import type { ErrorRequestHandler, RequestHandler } from 'express';
import { z } from 'zod';
import { ErrorCode, type Refusal } from '../domain/errors';
import type { Logger } from '../logger';

// zod's own messages (for checks whose schema gives none) in Chinese, like the rest of the API's answers.
z.config(z.locales.zhCN());

export interface Issue {
  path: string;
  message: string;
}

/** An answer the client caused. The one place errors become HTTP is `errorHandler`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: { error: string; reason?: string; issues?: Issue[]; [key: string]: unknown },
  ) {
    super(body.reason ?? body.error);
  }

  static validation(issues: Issue[]): HttpError {
    return new HttpError(400, { error: 'validation', issues });
  }
}

const statusByCode: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};
const errorNameByCode: Record<ErrorCode, string> = {
  VALIDATION: 'validation',
  UNAUTHENTICATED: 'unauthenticated',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  CONFLICT: 'conflict',
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && value in statusByCode;
}

export function refusalError(refusal: Refusal, extra: Record<string, unknown> = {}): HttpError {
  if (refusal.code === ErrorCode.VALIDATION) {
    return HttpError.validation([{ path: refusal.path ?? '', message: refusal.reason }]);
  }
  return new HttpError(statusByCode[refusal.code], { error: errorNameByCode[refusal.code], reason: refusal.reason, ...extra });
}

/** zod's issues as the API reports them: a dotted path and a message. */
export function parseOr400<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw HttpError.validation(
    result.error.issues.map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.code === 'invalid_type' && i.input === undefined ? `缺少必填项 ${i.path.map(String).join('.') || '请求体'}` : i.message,
    })),
  );
}

export const notFoundRoute: RequestHandler = (req, _res, next) =>
  next(new HttpError(404, { error: 'not_found', reason: `没有这个接口：${req.method} ${req.path}` }));

const bodyErrorReasons: Record<string, string> = {
  'entity.parse.failed': '请求体不是有效的JSON',
  'entity.too.large': '请求体过大（JSON 不超过 1 MB）',
  'charset.unsupported': '请求体的字符集不受支持，请使用 UTF-8',
  'encoding.unsupported': '请求体的压缩方式（Content-Encoding）不受支持',
  'request.aborted': '请求体未传完整，请重新提交',
  'request.size.invalid': '请求体长度与 Content-Length 不符，请重新提交',
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json(err.body);
      return;
    }
    // body-parser's errors: malformed JSON, too large, wrong charset or compression, a body cut short.
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      // A URIError is the router's: a path parameter that does not percent-decode.
      const reason = bodyErrorReasons[err.type as string] ?? (err instanceof URIError ? '请求路径中有无法解码的 % 编码' : err.status === 400 ? '请求格式有误，无法读取' : '请求无效');
      res.status(err.status).json(err.status === 400 ? { error: 'validation', issues: [{ path: '', message: reason }] } : { error: 'bad_request', reason });
      return;
    }
    // The cause's message too (a failed Workflow Update says why only there); messages are masked by the logger.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : undefined;
    logger.error('request failed', { method: req.method, path: req.route?.path ?? 'unmatched', error: err instanceof Error ? err.message : String(err), ...(cause && { cause }) });
    res.status(500).json({ error: 'internal', reason: '服务器内部错误，请稍后重试；问题持续请联系管理员' });
  };
}
