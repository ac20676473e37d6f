import { timingSafeEqual } from 'node:crypto';
import { Router, type Request, type RequestHandler } from 'express';
import { writeMetrics } from '../../metrics/serve';
import { HttpError } from '../http-error';
import type { ApiMetrics } from './api-metrics';

/** Times every request and counts it under its route pattern once answered. */
export function requestMetrics(metrics: ApiMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => metrics.recordRequest(req.method, req.originalUrl.split('?')[0], res.statusCode, (performance.now() - started) / 1000));
    next();
  };
}

const loopback = (address: string | undefined) => address === '::1' || /^(::ffff:)?127\./.test(address ?? '');

/**
 * Who may scrape on the API's port: a client on this machine that came straight in (a loopback peer without
 * forwarding headers: a reverse proxy on this machine forwards outsiders from loopback too, and says so), or whoever
 * presents `METRICS_TOKEN` as a bearer token. A scraper elsewhere without a token uses `METRICS_PORT` instead.
 */
export function mayScrape(req: Request, token: string | undefined): boolean {
  const bearer = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (token && bearer) {
    const [a, b] = [Buffer.from(bearer), Buffer.from(token)];
    return a.length === b.length && timingSafeEqual(a, b);
  }
  return loopback(req.socket.remoteAddress) && !req.get('x-forwarded-for') && !req.get('forwarded');
}

/** `GET /metrics`, outside `/api` and the OpenAPI document: an operator's endpoint, not the product's. */
export function createMetricsRouter(metrics: ApiMetrics, token: string | undefined): Router {
  const router = Router();
  router.get('/metrics', (req, res) => {
    if (!mayScrape(req, token)) throw new HttpError(403, { error: 'forbidden', reason: '监控指标仅对本机或持有监控令牌（METRICS_TOKEN）的采集方开放' });
    return writeMetrics(metrics.registry, res);
  });
  return router;
}
