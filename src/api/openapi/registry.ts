import type { z } from 'zod';

/** The API's routes, each described once for the OpenAPI document (src/api/openapi/routes.ts lists them). */

export const httpMethods = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type HttpMethod = (typeof httpMethods)[number];

/**
 * One answer of a route. A string is an error of the shared shape (http-error.ts) with that description:
 * `{error: "validation", issues}` for 400, `{error, reason}` otherwise. An object names its JSON body's schema,
 * or has none (204).
 */
export type ResponseDoc =
  | string
  | {
      description: string;
      schema?: z.ZodType;
      /** Other media types the same status answers with (a file download: `text/csv`), chosen by the request. */
      files?: readonly string[];
    };

export type RequestBodyDoc =
  /** `example` must pass `schema`: schemathesis sends it, and a unit test checks it. */
  | { json: z.ZodType; example?: unknown }
  /** multipart/form-data with one file in the field `file`. */
  | { multipartFile: { description: string } };

export interface RouteDoc {
  method: HttpMethod;
  /** As OpenAPI writes it: `/api/tasks/{id}/complete` (Express: `/api/tasks/:id/complete`). */
  path: `/api/${string}`;
  /** Unique; camelCase, like the handler would be named. */
  operationId: string;
  /** One line, Chinese, as the Swagger UI lists it. */
  summary: string;
  /** Who may call it and what it does, in Chinese; Markdown. */
  description?: string;
  tags: readonly string[];
  /** Bearer token needed (401 without). Public routes: login, refresh, health, the document itself. */
  auth: boolean;
  /** The schemas the router validates with: the same objects, so the document cannot drift from them. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the router reads besides `Authorization` (`Idempotency-Key`), by their lowercase names. */
  headers?: z.ZodObject;
  /** Cookies the router reads (the web app's refresh cookie). */
  cookies?: z.ZodObject;
  body?: RequestBodyDoc;
  /**
   * Every status the route answers with, besides the ones every route shares: 400 (a malformed request, even
   * without a body: JSON that does not parse, a path that does not decode), 401 when `auth`, and 413/415 with a
   * JSON body. They are added when not listed.
   */
  responses: Record<number, ResponseDoc>;
}

/** `/api/tasks/{id}/claim` → `/api/tasks/:id/claim`, as Express writes it. */
export const expressPath = (openApiPath: string): string => openApiPath.replace(/\{([^}]+)\}/g, ':$1');
