import type { Request } from 'express';
import type { AuditInput } from '../../db/audit-log';

/** The audit log (src/db/audit-log.ts) as the API uses it: who acted and from where, taken from the request. */
export { createAuditLog, sha256Hex, type AuditInput, type AuditLog, type AuditVerification } from '../../db/audit-log';

/** The client's address as Express sees it (honouring TRUST_PROXY), without the IPv4-mapped prefix. */
export function clientAddress(req: Request): string | null {
  const ip = req.ip ?? req.socket.remoteAddress ?? null;
  return ip?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '') ?? null;
}

/** Who acted and from where, for record(). */
export function auditContext(req: Request): Pick<AuditInput, 'actor' | 'clientAddress'> {
  return { actor: req.actor ? { userId: req.actor.userId, role: req.actor.role } : null, clientAddress: clientAddress(req) };
}
