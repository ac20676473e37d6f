import type { FormInstance } from 'antd';
import type { ApiError } from './api/api-error';

/**
 * Puts each issue of an API 400 beside its field (`measures.0.monthlyAmount` → the form's ['measures', 0,
 * 'monthlyAmount']), `prefix` dropped from the path first (`household.`); returns the messages no field of the form
 * took, for an alert above it.
 */
export function showIssues(form: FormInstance, error: unknown, fields: string[][], prefix = ''): string[] {
  const known = new Set(fields.map((f) => f.join('.')));
  const leftover: string[] = [];
  const perField = new Map<string, string[]>();
  for (const issue of (error as ApiError | undefined)?.issues ?? []) {
    const path = issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path;
    const generic = path.replace(/\.\d+\./g, '.*.');
    if (known.has(path) || known.has(generic)) perField.set(path, [...(perField.get(path) ?? []), issue.message]);
    else leftover.push(issue.message);
  }
  form.setFields([...perField].map(([path, errors]) => ({ name: path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors })));
  const e = error as ApiError | undefined;
  if (!e?.issues?.length && e?.reason) leftover.push(e.reason);
  return leftover;
}

/** An Idempotency-Key for one submission of a form: a retry of the same submission sends the same key. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
