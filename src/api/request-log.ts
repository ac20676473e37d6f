import type { RequestHandler } from 'express';
import type { Logger } from '../logger';

/**
 * One debug line per request once answered: method, path (never the query string or body), status, time, and who
 * (a user id). The logger masks anything shaped like an ID number or phone, should one be typed into a path.
 */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      logger.debug('request', {
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
        userId: req.actor?.userId ?? null,
      });
    });
    next();
  };
}
