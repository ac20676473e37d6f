import type { RequestHandler } from 'express';
import { HttpError, type Issue } from './http-error';

const nul = '\u0000';
const message = '不能包含空字符（\\u0000）';
/** No form of ours nests deeper than a few levels; a 4,000-level body overflowed the stack here (500). */
export const maxJsonDepth = 32;
const tooDeep = `请求内容嵌套层数过多（超过${maxJsonDepth}层）`;

class TooDeep extends Error {}

function findNul(value: unknown, path: string[], issues: Issue[]): void {
  if (issues.length >= 20) return;
  if (path.length > maxJsonDepth) throw new TooDeep();
  if (typeof value === 'string') {
    if (value.includes(nul)) issues.push({ path: path.join('.'), message: `${path.length ? '' : '请求内容'}${message}` });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findNul(v, [...path, String(i)], issues));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes(nul)) issues.push({ path: [...path, k].join('.'), message: `字段名${message}` });
      else findNul(v, [...path, k], issues);
    }
  }
}

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, so a NUL anywhere in the path, the query or a JSON body is refused
 * here with a 400 naming the field, before any handler reads the database with it (which would fail with a 500).
 * JSON nested deeper than maxJsonDepth is refused too (400), before anything walks it recursively.
 */
export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  const issues: Issue[] = [];
  if (/%00/.test(req.path)) issues.push({ path: '', message: `请求路径${message}` });
  try {
    findNul(req.query, [], issues);
    findNul(req.body, [], issues);
  } catch (error) {
    if (error instanceof TooDeep) throw HttpError.validation([{ path: '', message: tooDeep }]);
    throw error;
  }
  if (issues.length) throw HttpError.validation(issues);
  next();
};
