import { createHash } from 'node:crypto';
import {
  chainEntry,
  chainStart,
  checkChain,
  maskPersonalData,
  toJsonValue,
  type AuditAction,
  type AuditRow,
  type JsonValue,
} from '../domain/audit';
import type { Role } from '../domain/roles';
import { Prisma, type AuditEntry, type PrismaClient } from '../generated/prisma/client';

/** One action to record. Personal data in before/after is masked here, whatever the caller passes. */
export interface AuditInput {
  action: AuditAction;
  /** Who acted; null for a failed login by an unknown username. */
  actor: { userId: string; role: Role } | null;
  target?: { type: string; id: string | null };
  /** The changed fields before and after the action. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  clientAddress?: string | null;
  /** The action's idempotency key (an Update id, a case id): a second record with the same key writes nothing. */
  key?: string;
}

export interface AuditVerification {
  valid: boolean;
  checked: number;
  firstBrokenId?: number;
}

type Tx = Prisma.TransactionClient;

export interface AuditLog {
  /** Appends one entry. Pass `tx` to write it in the same transaction as the action it records. */
  record(input: AuditInput, tx?: Tx): Promise<{ id: number; hash: string }>;
  /** Re-computes the whole chain in id order. */
  verify(): Promise<AuditVerification>;
}

export const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** pg_advisory_xact_lock key of the audit chain ('audt'): appends queue on it, so two can never share a predecessor. */
const chainLockKey = 0x61756474;
const verifyPageSize = 1000;

function asRow(row: AuditEntry): AuditRow {
  return { ...row, before: (row.before ?? null) as JsonValue | null, after: (row.after ?? null) as JsonValue | null };
}

const jsonOrNull = (value: JsonValue | null) => (value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue));

const masked = (value: Record<string, unknown> | null | undefined): JsonValue | null =>
  value === null || value === undefined ? null : maskPersonalData(toJsonValue(value));

export function createAuditLog(db: PrismaClient, clock: () => Date = () => new Date()): AuditLog {
  async function append(tx: Tx, input: AuditInput) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${chainLockKey}::bigint)`;
    if (input.key) {
      const existing = await tx.auditEntry.findUnique({ where: { key: input.key }, select: { id: true, hash: true } });
      if (existing) return existing;
    }
    const previous = await tx.auditEntry.findFirst({ orderBy: { id: 'desc' }, select: { id: true, hash: true } });
    const row = chainEntry(
      sha256Hex,
      {
        // Milliseconds: what timestamp(3) keeps, so the stored row hashes the same.
        at: new Date(clock().getTime()),
        actorId: input.actor?.userId ?? null,
        actorRole: input.actor?.role ?? null,
        action: input.action,
        targetType: input.target?.type ?? null,
        targetId: input.target?.id ?? null,
        before: masked(input.before),
        after: masked(input.after),
        clientAddress: input.clientAddress ?? null,
        key: input.key ?? null,
      },
      previous,
    );
    await tx.auditEntry.create({ data: { ...row, before: jsonOrNull(row.before), after: jsonOrNull(row.after) } });
    return { id: row.id, hash: row.hash };
  }

  return {
    record(input, tx) {
      if (tx) return append(tx, input);
      return db.$transaction((t) => append(t, input), { maxWait: 10_000, timeout: 10_000 });
    },

    async verify() {
      let cursor = chainStart;
      let checked = 0;
      let lastId: number | undefined;
      for (;;) {
        // Every row, whatever its id: one inserted out of sequence breaks the chain too.
        const rows = await db.auditEntry.findMany({ where: lastId === undefined ? {} : { id: { gt: lastId } }, orderBy: { id: 'asc' }, take: verifyPageSize });
        const result = checkChain(sha256Hex, rows.map(asRow), cursor);
        checked += result.checked;
        if (result.firstBrokenId !== undefined) return { valid: false, checked, firstBrokenId: result.firstBrokenId };
        if (rows.length < verifyPageSize) return { valid: true, checked };
        cursor = result.cursor;
        lastId = rows[rows.length - 1].id;
      }
    },
  };
}

