import { ErrorCode, type Refusal } from '../errors';

/**
 * 身份断言: who acts, as the API vouches for it. Every Update that carries an actor carries one, signed by the API
 * with a key only the API and the workers hold (src/temporal/actor-assertion.ts), bound to the workflow, the Update's
 * id and name, the task, and a short time window. A workflow believes no actor without it, so a decision sent to
 * Temporal around the API (no login, no checks, no audit) moves nothing. These are the pure rules of the binding; the
 * signature and the time window are checked by the worker outside the sandbox, where the key is.
 */
export interface AssertionClaims {
  /** Workflow id, Update id and Update name the assertion was made for. */
  wf: string;
  u: string;
  n: string;
  /** The task a decision or claim is about, when there is one. */
  t: string | null;
  /** The actor: user id, role, jurisdiction, department. */
  sub: string;
  role: string;
  jur: string;
  dep: string | null;
  /** 代办: whom the actor stands in for. */
  obo: string | null;
  /** Issued and expires, epoch ms. */
  iat: number;
  exp: number;
}

export interface ActorAssertion {
  claims: AssertionClaims;
  /** HMAC-SHA256 of canonicalClaims(claims), base64url. */
  mac: string;
}

/** How long an assertion is good for after the API signs it: long enough for an Update's round trip and its retries. */
export const assertionLifetimeMs = 5 * 60_000;

/** The exact text the MAC covers: the claims in a fixed order. */
export function canonicalClaims(c: AssertionClaims): string {
  return JSON.stringify([c.wf, c.u, c.n, c.t, c.sub, c.role, c.jur, c.dep, c.obo ?? null, c.iat, c.exp]);
}

interface ActorLike {
  userId?: unknown;
  role?: unknown;
  jurisdictionCode?: unknown;
  department?: unknown;
  onBehalfOf?: { userId?: unknown } | null;
}

/** The claims an Update's first argument calls for: its actor and, for a decision or claim, its task. */
export function claimsFor(update: { workflowId: string; updateId: string; name: string }, arg: { actor?: ActorLike; taskId?: unknown }, now: number): AssertionClaims | null {
  const actor = arg.actor;
  if (!actor || typeof actor.userId !== 'string') return null;
  return {
    wf: update.workflowId,
    u: update.updateId,
    n: update.name,
    t: typeof arg.taskId === 'string' ? arg.taskId : null,
    sub: actor.userId,
    role: String(actor.role),
    jur: String(actor.jurisdictionCode),
    dep: typeof actor.department === 'string' ? actor.department : null,
    obo: typeof actor.onBehalfOf?.userId === 'string' ? actor.onBehalfOf.userId : null,
    iat: now,
    exp: now + assertionLifetimeMs,
  };
}

const forged = (detail: string): Refusal => ({ code: ErrorCode.FORBIDDEN, reason: `请求未经系统授权，已拒绝并记录安全事件（${detail}）` });

/**
 * Why the Update `update` may not be believed: no assertion, or one made for another workflow, Update, task or actor;
 * null when the binding holds (the signature and time window are checked separately).
 */
export function refuseAssertionBinding(update: { workflowId: string; updateId: string; name: string }, args: readonly unknown[]): Refusal | null {
  const arg = args[0] as ({ actor?: ActorLike; taskId?: unknown; assertion?: ActorAssertion } | undefined);
  if (!arg || typeof arg !== 'object') return null;
  if (!('actor' in arg)) return null;
  const assertion = arg.assertion;
  if (!assertion || typeof assertion !== 'object' || !assertion.claims || typeof assertion.mac !== 'string') return forged('缺少身份断言');
  const expected = claimsFor(update, arg, 0);
  if (!expected) return forged('办理人无效');
  const c = assertion.claims;
  const same = c.wf === expected.wf && c.u === expected.u && c.n === expected.n && c.t === expected.t && c.sub === expected.sub && c.role === expected.role && c.jur === expected.jur && c.dep === expected.dep && (c.obo ?? null) === expected.obo;
  return same ? null : forged('身份断言与本次请求不符');
}
