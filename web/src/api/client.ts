import createClient, { type Middleware } from 'openapi-fetch';
import type { ApiError } from './api-error';
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

export { errorText, issuesByPath, type ApiError, type ApiIssue } from './api-error';

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
