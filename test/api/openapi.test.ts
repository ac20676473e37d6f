import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Express } from 'express';
import { createApp } from '../../src/api/app';
import { createTokenService } from '../../src/api/auth/tokens';
import { buildOpenApiDocument } from '../../src/api/openapi/document';
import { apiRoutes } from '../../src/api/openapi/routes';
import type { PrismaClient } from '../../src/generated/prisma/client';
import { createLogger } from '../../src/logger';
import { createPayloadCodec } from '../../src/temporal/payload-codec';
import { expressRoutes } from '../support/express-routes';
import { openApiProblems } from '../support/openapi-structure';

/**
 * The document against the app: no real servers are needed, because building the app and serving the document and
 * the docs page touch neither the database nor Temporal (their stand-ins below would throw if anything called them).
 */
function appWithoutServers(): Express {
  const unreachable = new Proxy({}, { get: (_t, key) => { throw new Error(`no server in this test (${String(key)})`); } });
  return createApp({
    db: unreachable as PrismaClient,
    temporal: {
      client: unreachable as Client,
      taskQueue: 'openapi-test',
      namespace: 'default',
      payloadCodec: createPayloadCodec([{ id: 'test', key: randomBytes(32) }]),
      uiOrigin: 'http://127.0.0.1:8233',
    },
    tokens: createTokenService('openapi-test-secret-that-is-long-enough-0123', 'PT1H'),
    logger: createLogger('warn', 'test'),
  });
}

const document = buildOpenApiDocument();
const operations = (doc: { paths: Record<string, object> }) =>
  Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();

test('every route Express answers is in the document, and every operation in the document is a route', () => {
  const routes = expressRoutes(appWithoutServers());
  const api = routes.filter((r) => r.split(' ')[1].startsWith('/api/'));
  const documented = operations(document);
  // A new route fails here until it is described in src/api/openapi/routes.ts.
  expect({ undocumented: api.filter((r) => !documented.includes(r)), documentedButNotServed: documented.filter((o) => !api.includes(o)) }).toEqual({
    undocumented: [],
    documentedButNotServed: [],
  });
  expect(api.length).toBeGreaterThanOrEqual(20);
  // Outside /api: only the Swagger UI page and the operators' Prometheus endpoint (test/api/metrics.test.ts), neither in the document.
  expect(routes.filter((r) => !api.includes(r))).toEqual(['GET /docs', 'GET /docs/index.html', 'GET /docs/swagger-initializer.js', 'GET /metrics']);
});

test('the route walk sees routers mounted anywhere, with their parameters', () => {
  const routes = expressRoutes(appWithoutServers());
  expect(routes).toEqual(expect.arrayContaining(['POST /api/tasks/{id}/complete', 'GET /api/monitoring-cases/{id}', 'POST /api/temporal-codec/decode', 'GET /api/openapi.json', 'POST /api/auth/login']));
});

test('the document is a structurally valid OpenAPI 3.1 document', () => {
  expect(openApiProblems(JSON.parse(JSON.stringify(document)))).toEqual([]);
  expect(document.openapi).toBe('3.1.0');
});

test('the structure check catches what makes a document invalid', () => {
  const broken = JSON.parse(JSON.stringify(document));
  broken.openapi = '3.0.3';
  delete broken.paths['/api/tasks/{id}/claim'].post.parameters;
  broken.paths['/api/tasks'].get.responses['200'] = { content: {} };
  broken.paths['/api/health'].get.security = [{ cookieAuth: [] }];
  broken.paths['/api/policy'].get.operationId = 'putPolicy';
  broken.paths['/api/audit'].get.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Nowhere' };
  broken.components.schemas.Task.properties.assigneeId = { type: 'string', nullable: true };
  expect(openApiProblems(broken).sort()).toEqual(
    [
    'openapi must be "3.1.x", not "3.0.3"',
    'components.schemas.Task.properties.assigneeId: "nullable" is OpenAPI 3.0; 3.1 writes type: [..., "null"]',
    'GET /api/health: security scheme "cookieAuth" is not in components.securitySchemes',
    'PUT /api/policy: operationId "putPolicy" is not unique',
    'GET /api/tasks 200: a response needs a description',
    'POST /api/tasks/{id}/claim: {id} has no path parameter',
    '$ref #/components/schemas/Nowhere does not resolve inside the document',
    ].sort(),
  );
});

test('every operation names its errors, in the shared shape, and what it answers on success', () => {
  for (const route of apiRoutes) {
    const responses = (document.paths[route.path] as Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>)[route.method].responses;
    const statuses = Object.keys(responses).map(Number);
    expect({ route: route.operationId, success: statuses.some((s) => s >= 200 && s < 300) }).toEqual({ route: route.operationId, success: true });
    expect({ route: route.operationId, has400: statuses.includes(400), has401: statuses.includes(401) || !route.auth }).toEqual({ route: route.operationId, has400: true, has401: true });
    // 4xx bodies all say what went wrong: {error, issues} for 400, {error, reason, …} otherwise.
    for (const status of statuses.filter((s) => s >= 400 && s < 500)) {
      const ref = (responses[status].content?.['application/json'].schema as { $ref: string }).$ref;
      const required = (document.components.schemas[ref.replace('#/components/schemas/', '')] as { required: string[] }).required;
      expect({ route: route.operationId, status, required }).toEqual({ route: route.operationId, status, required: expect.arrayContaining(['error', status === 400 ? 'issues' : 'reason']) });
    }
  }
});

test('each example request body passes the schema its router validates with', () => {
  const examples = apiRoutes.flatMap((r) => (r.body && 'json' in r.body && r.body.example !== undefined ? [{ route: r.operationId, schema: r.body.json, example: r.body.example }] : []));
  expect(examples.length).toBeGreaterThanOrEqual(8);
  for (const { route, schema, example } of examples) {
    const result = schema.safeParse(example);
    expect({ route, issues: result.error?.issues ?? [] }).toEqual({ route, issues: [] });
  }
});

describe('served without login', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = await new Promise((resolve) => {
      const s = appWithoutServers().listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  test('GET /api/openapi.json answers the document', async () => {
    const res = await fetch(`${url}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  test('/docs is Swagger UI on the document: same-origin scripts only, under a CSP that allows nothing else', async () => {
    for (const page of ['/docs', '/docs/', '/docs/index.html']) {
      const res = await fetch(url + page);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = Object.fromEntries((res.headers.get('content-security-policy') ?? '').split(';').map((d) => [d.trim().split(' ')[0], d.trim().split(' ').slice(1)]));
      expect(csp['script-src']).toEqual(["'self'"]);
      expect(csp['script-src-attr']).toEqual(["'none'"]);
      expect(csp['default-src']).toEqual(["'self'"]);
      expect(csp).not.toHaveProperty('upgrade-insecure-requests');
      const html = await res.text();
      expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script
      expect(html).not.toMatch(/\son\w+=/); // no inline handlers
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      expect(assets).toEqual(expect.arrayContaining(['/docs/swagger-ui-bundle.js', '/docs/swagger-initializer.js', '/docs/swagger-ui.css']));
      for (const asset of assets) {
        expect(asset).toMatch(/^\/docs\//);
        const file = await fetch(url + asset);
        expect({ asset, status: file.status }).toEqual({ asset, status: 200 });
        expect(file.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /javascript/ : asset.endsWith('.css') ? /text\/css/ : /image\/png/);
        await file.arrayBuffer();
      }
    }
    const init = await (await fetch(`${url}/docs/swagger-initializer.js`)).text();
    expect(init).toContain('"/api/openapi.json"');
    expect(init).not.toContain('petstore');
  });

  test('the rest of the API still needs a token', async () => {
    expect((await fetch(`${url}/api/tasks`)).status).toBe(401);
  });
});
