import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { canonicalClaims, claimsFor, type ActorAssertion } from '../domain/tasks/actor-assertion';
import type { PayloadKey } from './payload-codec';

/** Signing and checking actor assertions (src/domain/tasks/actor-assertion.ts): the API signs, the workers check. */

/** The assertion key: ACTOR_ASSERTION_KEY when set, else derived (HKDF) from the current payload key, which only the API and the workers hold. */
export function assertionKey(configured: string | undefined, payloadKeys: readonly PayloadKey[]): Buffer {
  if (configured) return Buffer.from(configured, 'utf8');
  return Buffer.from(hkdfSync('sha256', payloadKeys[0].key, Buffer.alloc(0), Buffer.from('assistflow actor assertion'), 32));
}

const macOf = (key: Buffer, assertion: ActorAssertion['claims']) => createHmac('sha256', key).update(canonicalClaims(assertion)).digest('base64url');

export function signAssertion(key: Buffer, claims: ActorAssertion['claims']): ActorAssertion {
  return { claims, mac: macOf(key, claims) };
}

/** Whether the assertion was signed with the key and is within its time window now. */
export function verifyAssertion(key: Buffer, assertion: ActorAssertion, now: number): { ok: true } | { ok: false; reason: string } {
  const expected = Buffer.from(macOf(key, assertion.claims));
  const given = Buffer.from(String(assertion.mac));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'signature' };
  if (now > assertion.claims.exp) return { ok: false, reason: 'expired' };
  // A little leeway for clocks a few seconds apart between the API and the worker.
  if (assertion.claims.iat > now + 60_000) return { ok: false, reason: 'issued in the future' };
  return { ok: true };
}

/**
 * The client side: every Update whose first argument names an actor gets an assertion signed for its workflow, its
 * Update id (one is made when the caller has none) and its task. Installed on the API's Temporal client.
 */
export function actorAssertionInterceptor(key: Buffer, now: () => number = Date.now): WorkflowClientInterceptor {
  return {
    async startUpdate(input, next) {
      const arg = input.args[0] as { actor?: unknown; taskId?: unknown } | undefined;
      if (!arg || typeof arg !== 'object' || !('actor' in arg)) return next(input);
      const updateId = input.options.updateId ?? randomUUID();
      const claims = claimsFor({ workflowId: input.workflowExecution.workflowId, updateId, name: input.updateName }, arg as never, now());
      if (!claims) return next(input);
      return next({ ...input, args: [{ ...arg, assertion: signAssertion(key, claims) }, ...input.args.slice(1)], options: { ...input.options, updateId } });
    },
  };
}
