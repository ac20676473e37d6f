import { z } from 'zod';
import { version } from '../../../package.json';
import type { RouteDoc } from './registry';
import { errorSchema, responseSchemaNames, validationErrorSchema } from './response-schemas';
import { apiRoutes, tags } from './routes';

type JsonSchema = { [key: string]: unknown };
type Io = 'input' | 'output';

const componentRef = (name: string) => `#/components/schemas/${name}`;

/**
 * zod's JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1), made to sit inside the document: without `$schema`
 * and `$id`, and with recursive parts (`$defs`, which `#` would resolve against the document's root) moved into
 * the components under `<owner>.<name>`.
 */
function embed(schema: JsonSchema, owner: string, components: Record<string, JsonSchema>): JsonSchema {
  const { $schema: _dialect, $id: _id, $defs, ...rest } = schema;
  const defs = ($defs ?? {}) as Record<string, JsonSchema>;
  const renamed = (ref: string) => {
    const match = /^#\/\$defs\/(.+)$/.exec(ref);
    return match ? componentRef(`${owner}.${match[1]}`) : ref;
  };
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? renamed(v) : rewrite(v)]));
  };
  for (const [name, def] of Object.entries(defs)) components[`${owner}.${name}`] = rewrite(def) as JsonSchema;
  return rewrite(rest) as JsonSchema;
}

const toJsonSchema = (schema: z.ZodType, io: Io) => z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;

/** Query, path and header parameters: one per property of the object schema the router parses `req.query`/`req.params`/headers with. */
function parameters(schema: z.ZodObject, location: 'query' | 'path' | 'header' | 'cookie', owner: string, components: Record<string, JsonSchema>) {
  const object = embed(toJsonSchema(schema, 'input'), owner, components);
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries((object.properties ?? {}) as Record<string, JsonSchema>).map(([name, { description, examples, ...property }]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    ...(description !== undefined && { description }),
    ...(Array.isArray(examples) && examples.length > 0 && { example: examples[0] }),
    schema: property,
  }));
}

/** The answers every route shares, when a route does not describe them itself. */
function sharedResponses(route: RouteDoc): Record<number, string> {
  const shared: Record<number, string> = { 400: '请求格式有误：JSON 无法解析、路径无法解码，或参数不符合要求（issues 中逐项说明）' };
  if (route.auth) shared[401] = '未登录，或登录已失效、账号已停用';
  if (route.body && 'json' in route.body) Object.assign(shared, { 413: '请求体超过 1 MB', 415: '请求体的字符集或压缩方式不受支持' });
  return shared;
}

/** The OpenAPI 3.1 document of `routes`, generated from the zod schemas the routers validate with. */
export function buildOpenApiDocument(routes: readonly RouteDoc[] = apiRoutes) {
  const components: Record<string, JsonSchema> = {};
  // The named response schemas in one pass, so one that holds another (a case inside an objection's answer) refers to it.
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of responseSchemaNames) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'output', unrepresentable: 'any', uri: componentRef }) as unknown as {
    schemas: Record<string, JsonSchema>;
  };
  for (const [name, schema] of Object.entries(schemas)) components[name] = embed(schema, name, components);

  const bodySchema = (schema: z.ZodType, owner: string): JsonSchema => {
    const name = responseSchemaNames.get(schema);
    return name ? { $ref: componentRef(name) } : embed(toJsonSchema(schema, 'output'), owner, components);
  };
  const response = (status: number, doc: RouteDoc['responses'][number], owner: string) => {
    if (typeof doc === 'string') {
      const schema = status === 400 ? validationErrorSchema : errorSchema;
      return { description: doc, content: { 'application/json': { schema: bodySchema(schema, owner) } } };
    }
    const files = Object.fromEntries(
      (doc.files ?? []).map((type) => [type, { schema: type.startsWith('text/') ? { type: 'string' } : { type: 'string', contentMediaType: type } }]),
    );
    if (!doc.schema && !doc.files) return { description: doc.description };
    return {
      description: doc.description,
      content: { ...(doc.schema && { 'application/json': { schema: bodySchema(doc.schema, `${owner}.${status}`) } }), ...files },
    };
  };

  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const owner = route.operationId;
    const responses = { ...sharedResponses(route), ...route.responses };
    const operation = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description && { description: route.description }),
      tags: route.tags,
      security: route.auth ? [{ bearerAuth: [] }] : [],
      parameters: [
        ...(route.params ? parameters(route.params, 'path', owner, components) : []),
        ...(route.query ? parameters(route.query, 'query', owner, components) : []),
        ...(route.headers ? parameters(route.headers, 'header', owner, components) : []),
        ...(route.cookies ? parameters(route.cookies, 'cookie', owner, components) : []),
      ],
      ...(route.body && {
        requestBody:
          'json' in route.body
            ? {
                required: true,
                content: {
                  'application/json': {
                    schema: embed(toJsonSchema(route.body.json, 'input'), `${owner}.body`, components),
                    ...(route.body.example !== undefined && { example: route.body.example }),
                  },
                },
              }
            : {
                required: true,
                content: {
                  'multipart/form-data': {
                    schema: {
                      type: 'object',
                      properties: { file: { type: 'string', format: 'binary', contentMediaType: 'application/octet-stream', description: route.body.multipartFile.description } },
                      required: ['file'],
                    },
                  },
                },
              },
      }),
      responses: Object.fromEntries(
        Object.entries(responses)
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([status, doc]) => [status, response(Number(status), doc, owner)]),
      ),
    };
    (paths[route.path] ??= {})[route.method] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'AssistFlow API',
      version,
      description:
        '开州区巩固拓展脱贫攻坚成果过渡期业务协同系统的接口：防止返贫动态监测的登记、识别、走访和帮扶，待办任务，部门预警导入，政策设置和审计日志。\n\n' +
        '除登录、刷新令牌、健康检查和本文档外，每个接口都需要 `Authorization: Bearer <token>`（`POST /api/auth/login` 得到）。' +
        '错误一律为 JSON：400 `{error: "validation", issues: [{path, message}]}`，其他 `{error, reason}`，原因为中文。出错时不会写入任何数据。',
    },
    tags: tags.map((t) => ({ ...t })),
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: '`POST /api/auth/login` 返回的 `token`' } },
      schemas: components,
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
