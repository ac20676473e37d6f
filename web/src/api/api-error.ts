/** The API's error bodies and how the app words them (no DOM here: unit-tested in Node). */

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

