/** One set of error codes, shared by workflows (ApplicationFailure type) and the API (HTTP status). */
export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A refusal a caseworker can read: the code decides the HTTP status, the reason is shown as is. */
export interface Refusal {
  code: ErrorCode;
  reason: string;
  /** For VALIDATION: the request field at fault. */
  path?: string;
}
