import path from 'node:path';
import express, { Router } from 'express';
import helmet from 'helmet';
import { buildOpenApiDocument } from './document';

const documentPath = '/api/openapi.json';

// Only same-origin files, no inline script, so a strict CSP holds (see docsCsp).
const indexHtml = `<!DOCTYPE html>
<html lang="zh-CN">
  <head>
    <meta charset="UTF-8">
    <title>AssistFlow 接口文档</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css">
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="/docs/swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

const initScript = `window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(documentPath)},
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  // The public validator badge would send the document to validator.swagger.io.
  validatorUrl: null,
  tryItOutEnabled: false,
  persistAuthorization: false,
});
`;

/**
 * helmet's CSP without upgrade-insecure-requests: the API may be served over plain HTTP inside the district's
 * network, where upgrading would make the browser fetch the page's scripts over HTTPS and fail. Swagger UI's
 * styles set inline style attributes and its icons are data: URIs.
 */
const docsCsp = helmet.contentSecurityPolicy({
  useDefaults: true,
  directives: {
    'upgrade-insecure-requests': null,
    'script-src': ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
  },
});

/** `GET /api/openapi.json` (public) and Swagger UI at `/docs`, from swagger-ui-dist's files. */
export function createDocsRouter(): Router {
  const document = buildOpenApiDocument();
  const router = Router();
  router.get(documentPath, (_req, res) => {
    res.json(document);
  });
  const docs = Router();
  docs.use(docsCsp);
  // Ours in place of swagger-ui-dist's own, which open the Petstore example.
  docs.get(['/', '/index.html'], (_req, res) => {
    res.type('html').send(indexHtml);
  });
  docs.get('/swagger-initializer.js', (_req, res) => {
    res.type('js').send(initScript);
  });
  docs.use(express.static(path.dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }));
  router.use('/docs', docs);
  return router;
}
