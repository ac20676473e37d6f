import type { RequestHandler } from 'express';

/**
 * CORS for the browser front ends listed in CORS_ORIGINS; with none listed, no CORS header is ever sent and
 * browsers keep other origins out. Requests from other origins pass through untouched (the codec endpoint answers
 * the Temporal UI's itself: pass its path in `except`). Bearer tokens, not cookies, so no credentials.
 */
export function corsFor(origins: readonly string[], { except = [] }: { except?: readonly string[] } = {}): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.get('origin');
    if (allowed.size === 0 || except.some((prefix) => req.path.startsWith(prefix))) return next();
    res.vary('Origin');
    if (!origin || !allowed.has(origin)) return next();
    res.set({
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
      'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key',
      'Access-Control-Max-Age': '600',
    });
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next();
  };
}
