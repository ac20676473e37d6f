import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];

/** The access token lives here, in memory only: never in localStorage, gone with the tab. */
let accessToken: string | null = null;
export const setAccessToken = (token: string | null) => {
  accessToken = token;
};
export const getAccessToken = () => accessToken;

const bearer: Middleware = {
  onRequest({ request }) {
    if (accessToken && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${accessToken}`);
    return request;
  },
};

/** The API, typed from its OpenAPI document (schema.d.ts, `npm run web:schema`). Same origin: the refresh cookie goes along. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(bearer);

export interface ApiIssue {
  path: string;
  message: string;
}

/** The API's error bodies: `{error, reason}` or `{error: "validation", issues}`. */
export interface ApiError {
  error?: string;
  reason?: string;
  issues?: ApiIssue[];
  lockedUntil?: string;
}

/** One sentence for an error: its reason, or its issues joined. */
export function errorText(error: unknown): string {
  const e = (error ?? {}) as ApiError;
  if (e.reason) return e.reason;
  if (e.issues?.length) return e.issues.map((i) => i.message).join('；');
  return '请求失败，请稍后重试';
}

/** The issues of a 400 keyed by path (`measures.0.monthlyAmount`), for showing each beside its field. */
export function issuesByPath(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of (error as ApiError | undefined)?.issues ?? []) out[issue.path] = out[issue.path] ? `${out[issue.path]}；${issue.message}` : issue.message;
  return out;
}

/** A file download (CSV, XLSX) with the bearer token: fetched as a blob, then saved through a temporary link. */
export async function downloadWithToken(url: string, fallbackName: string): Promise<void> {
  const res = await fetch(url, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });
  if (!res.ok) throw (await res.json().catch(() => ({ reason: `下载失败（${res.status}）` }))) as ApiError;
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const blob = await res.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name ? decodeURIComponent(name) : fallbackName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
