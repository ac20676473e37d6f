import type { RequestHandler } from 'express';
import { HttpError } from '../http-error';
import type { RouteDoc } from './registry';

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/**
 * 405 with `Allow` for a documented path asked with a method it does not have (RFC 9110), instead of the 404 of an
 * unknown path. Mounted after the routers: only requests none of them answered get here.
 */
export function methodNotAllowed(routes: readonly RouteDoc[]): RequestHandler {
  const paths = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const r of routes) {
    const entry = paths.get(r.path) ?? {
      // `{id}` is one path segment; Express matches case-insensitively and allows a trailing slash.
      pattern: new RegExp(`^${r.path.split(/\{[^}]+\}/).map(escapeRegExp).join('[^/]+')}/?$`, 'i'),
      methods: new Set<string>(),
    };
    entry.methods.add(r.method.toUpperCase());
    paths.set(r.path, entry);
  }
  return (req, res, next) => {
    const allowed = new Set<string>();
    for (const { pattern, methods } of paths.values()) if (pattern.test(req.path)) methods.forEach((m) => allowed.add(m));
    if (allowed.size === 0 || allowed.has(req.method)) return next();
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].sort().join(', ');
    res.set('Allow', allow);
    if (req.method === 'OPTIONS') {
      res.sendStatus(204);
      return;
    }
    next(new HttpError(405, { error: 'method_not_allowed', reason: `接口 ${req.path} 不支持 ${req.method} 方法，可用的方法：${allow}` }));
  };
}
