import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';

/**
 * The web app's CSP: its own scripts only, no inline script. antd writes its styles into <style> elements at run time
 * (CSS-in-JS), hence 'unsafe-inline' for styles. No upgrade-insecure-requests, as for the docs: the district's
 * network may serve the app over plain HTTP.
 */
const webCsp = helmet.contentSecurityPolicy({
  useDefaults: true,
  directives: {
    'upgrade-insecure-requests': null,
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'connect-src': ["'self'"],
  },
});

/**
 * The built web app (web/dist) at `/`: its files, and index.html for any other GET of a path outside /api,
 * /docs and /metrics, so that the app's own routes (/cases/…) load it. Nothing when the app is not built.
 */
export function createWebAppRouter(distDir: string): Router {
  const router = Router();
  const indexFile = path.join(distDir, 'index.html');
  if (!fs.existsSync(indexFile)) return router;
  const isApiPath = (p: string) => p === '/api' || p.startsWith('/api/') || p === '/docs' || p.startsWith('/docs/') || p === '/metrics';
  router.use((req, res, next) => (isApiPath(req.path) ? next('router') : webCsp(req, res, next)));
  // Hashed file names under /assets: cached for a year; index.html is revalidated so a new build shows at once.
  router.use('/assets', express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
  router.use(express.static(distDir, { index: false }));
  // Middleware, not a route: the API's route list (and its OpenAPI check) stays the API's.
  router.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    res.set('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
  return router;
}
