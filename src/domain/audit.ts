import { z } from 'zod';
import { maskIdNumber } from './id-number';
import type { Role } from './roles';

/**
 * The audit log's rules, without I/O: what an entry holds, its canonical text, the hash chain and its check.
 * Each entry stores prevHash (the previous entry's hash) and hash = sha256(canonical(entry) + prevHash), and ids
 * run 1, 2, 3, … without gaps, so an edited, deleted or reordered row breaks the chain at the first row that no
 * longer fits. The SHA-256 function is passed in: the domain imports no Node built-ins.
 */

/** What people do that the district must be able to trace. Later processes add theirs here. */
export const auditActions = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.refresh_reuse',
  'case.start',
  'case.objection',
  'case.visit',
  'case.measures',
  'case.exit_proposal',
  'case.rollback',
  'case.policy_change',
  /** Someone read decrypted workflow payloads through the codec endpoint (the Temporal UI, `temporal --codec-endpoint`). */
  'codec.decode',
  /** Someone saw a household's ID number and phone whole (src/domain/personal-data.ts). */
  'case.view_personal_data',
  /** A report of a household registered elsewhere, or with a case outside the reporter's sight: refused. */
  'household.report_refused',
  /** 户籍迁移: a household's registration moved to another village. */
  'household.transfer',
  'task.decide',
  'task.claim',
  'task.bulk_decide',
  'delegation.create',
  'delegation.revoke',
  'task.release',
  'task.reassign',
  /** An Update reached a workflow with an actor the API did not vouch for (forged or replayed assertion): refused. */
  'security.assertion_refused',
  /** 佐证材料: a file added to a case, downloaded, or refused because its bytes no longer match their checksum. */
  'attachment.upload',
  'attachment.download',
  'attachment.integrity_failure',
  'policy.change',
  /** 协作帮扶: a plan created, a partner or indicator added, a quarterly report filed, a plan amended. */
  'cooperation.plan_create',
  'cooperation.reference_create',
  'cooperation.report',
  'cooperation.amend',
  'import.run',
  /** 易地扶贫搬迁后续扶持: a case opened, its baseline, ledgers and visits; sites kept by admins. */
  'relocation.start',
  'relocation.baseline',
  'relocation.employment',
  'relocation.employment_end',
  'relocation.project',
  'relocation.visit',
  'relocation_site.create',
  'export.run',
  'user.create',
  'user.change',
  'user.password_reset',
] as const;
export type AuditAction = (typeof auditActions)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The hashed fields of an entry, as stored. */
export interface AuditContent {
  id: number;
  at: Date;
  actorId: string | null;
  actorRole: Role | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: JsonValue | null;
  after: JsonValue | null;
  clientAddress: string | null;
  key: string | null;
}

export interface AuditRow extends AuditContent {
  prevHash: string;
  hash: string;
}

/** The first entry's prevHash. */
export const genesisHash = '0'.repeat(64);

export type Sha256Hex = (text: string) => string;

/** JSON with keys sorted at every level, so the same content always gives the same text (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(toJsonValue(value)));
}

function sortKeys(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

/** What survives a trip through JSON (and jsonb): dates become strings, undefined keys vanish. */
export function toJsonValue(value: unknown): JsonValue {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

export function canonicalContent(entry: AuditContent): string {
  return canonicalJson({
    id: entry.id,
    at: entry.at.toISOString(),
    actorId: entry.actorId,
    actorRole: entry.actorRole,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    before: entry.before,
    after: entry.after,
    clientAddress: entry.clientAddress,
    key: entry.key,
  });
}

export function entryHash(sha256: Sha256Hex, entry: AuditContent, prevHash: string): string {
  return sha256(canonicalContent(entry) + prevHash);
}

/** Where a chain check stands: the id and prevHash the next row must have. */
export interface ChainCursor {
  nextId: number;
  prevHash: string;
}

export const chainStart: ChainCursor = { nextId: 1, prevHash: genesisHash };

export interface ChainCheck {
  /** Rows that fit, before the first that doesn't. */
  checked: number;
  /** The first row that doesn't fit: edited, after a gap (deleted rows), or out of order. */
  firstBrokenId?: number;
  cursor: ChainCursor;
}

/** Checks rows in id order from `cursor`; call again with the returned cursor for the next page. */
export function checkChain(sha256: Sha256Hex, rows: readonly AuditRow[], cursor: ChainCursor = chainStart): ChainCheck {
  let at = cursor;
  let checked = 0;
  for (const row of rows) {
    if (row.id !== at.nextId || row.prevHash !== at.prevHash || row.hash !== entryHash(sha256, row, row.prevHash)) {
      return { checked, firstBrokenId: row.id, cursor: at };
    }
    checked++;
    at = { nextId: row.id + 1, prevHash: row.hash };
  }
  return { checked, cursor: at };
}

/** The next entry of the chain, hashed. */
export function chainEntry(sha256: Sha256Hex, content: Omit<AuditContent, 'id'>, previous: { id: number; hash: string } | null): AuditRow {
  const entry: AuditContent = { ...content, id: (previous?.id ?? 0) + 1 };
  const prevHash = previous?.hash ?? genesisHash;
  return { ...entry, prevHash, hash: entryHash(sha256, entry, prevHash) };
}

// Personal data never enters the audit log in clear (domain.md, Privacy): masked by field name and by shape.
const idNumberKey = /id_?number|idcard|身份证/i;
const phoneKey = /phone|mobile|手机|电话/i;
const bankKey = /bank|account_?number|card_?number|银行/i;
const idNumberShape = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g;
const phoneShape = /(?<![\dA-Za-z])1[3-9]\d{9}(?![\dA-Za-z])/g;
const bankShape = /(?<![\dA-Za-z])\d{16,19}(?![\dA-Za-z])/g;
/** Record ids (caseId, assigneeId, …) are not scanned: a UUID may hold a phone-shaped run of digits. */
const recordIdKey = /^id$|Ids?$/;

export function maskPhone(value: string): string {
  return value.length < 7 ? '*'.repeat(value.length) : value.slice(0, 3) + '*'.repeat(value.length - 7) + value.slice(-4);
}

function maskBankAccount(value: string): string {
  return value.length <= 4 ? '*'.repeat(value.length) : '*'.repeat(value.length - 4) + value.slice(-4);
}

/**
 * Free text (a comment, a note, an objection) with anything shaped like an ID number, mobile phone or bank account
 * masked: people type them into text, and every view shows text to people who may not see them whole.
 */
export function maskPersonalDataInText(text: string): string {
  return text.replace(idNumberShape, maskIdNumber).replace(phoneShape, maskPhone).replace(bankShape, maskBankAccount);
}

function maskString(key: string | null, value: string): string {
  if (key !== null && idNumberKey.test(key)) return maskIdNumber(value);
  if (key !== null && phoneKey.test(key)) return maskPhone(value);
  if (key !== null && bankKey.test(key)) return maskBankAccount(value);
  if (key !== null && recordIdKey.test(key)) return value;
  return maskPersonalDataInText(value);
}

/** A copy with ID numbers, phones and bank account numbers masked, by field name and wherever they appear in text. */
export function maskPersonalData(value: JsonValue, key: string | null = null): JsonValue {
  if (typeof value === 'string') return maskString(key, value);
  if (typeof value === 'number' && key !== null && (idNumberKey.test(key) || phoneKey.test(key) || bankKey.test(key))) {
    return maskString(key, String(value));
  }
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, key));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPersonalData(v, k)]));
  }
  return value;
}

/** The top-level fields that differ between two versions of a record, each side with only those fields. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): { before: JsonObject; after: JsonObject } {
  const b = toJsonValue(before) as JsonObject;
  const a = toJsonValue(after) as JsonObject;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => canonicalJson(b[k] ?? null) !== canonicalJson(a[k] ?? null));
  return {
    before: Object.fromEntries(keys.filter((k) => k in b).map((k) => [k, b[k]])),
    after: Object.fromEntries(keys.filter((k) => k in a).map((k) => [k, a[k]])),
  };
}

const time = z.iso.datetime({ offset: true, error: '应为带时区的ISO 8601时间，例如 2026-11-29T08:00:00+08:00' }).transform((v) => new Date(v));

export const listAuditSchema = z
  .object({
    action: z.enum(auditActions, { error: `操作应为 ${auditActions.join('、')} 之一` }).optional(),
    actorId: z.string().trim().min(1).max(100).optional(),
    targetId: z.string().trim().min(1).max(200).optional(),
    from: time.optional(),
    to: time.optional(),
    page: z.coerce.number().int('页码应为整数').min(1, '页码从1开始').default(1),
    pageSize: z.coerce.number().int('每页条数应为整数').min(1, '每页至少1条').max(100, '每页最多100条').default(20),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { path: ['to'], message: '结束时间不能早于开始时间' });
export type ListAudit = z.infer<typeof listAuditSchema>;
