import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { parseOwnDepartment } from '../../domain/access';
import { ErrorCode } from '../../domain/errors';
import { laborCapacities } from '../../domain/monitoring/case';
import {
  alertFields,
  alertNaturalKey,
  chinaDate,
  describeAlert,
  leadIntake,
  parseDepartmentAlertTable,
  planDepartmentAlerts,
  type AlertLead,
  type DepartmentAlertRow,
  type KnownHousehold,
  type RejectedAlertRow,
} from '../../domain/monitoring/department-alerts';
import { createMonitoringCaseSchema } from '../../domain/monitoring/schemas';
import type { Actor } from '../../domain/roles';
import type { PrismaClient } from '../../generated/prisma/client';
import type { Logger } from '../../logger';
import { openMonitoringCase, type TemporalDeps } from '../../activities/monitoring/intake';
import { readTable } from './read-table';

export interface DepartmentAlertImportResult {
  importId: string;
  /** True when this very file was imported before: nothing was done, and its rows count as duplicates. */
  alreadyImported: boolean;
  /** Rows that went through: leads + evidence + duplicates. */
  accepted: number;
  rejected: RejectedAlertRow[];
  leadsCreated: number;
  evidenceAdded: number;
  duplicates: number;
}

export interface ImportDeps {
  db: PrismaClient;
  temporal: TemporalDeps;
  logger: Logger;
  /** Largest an XLSX may grow unpacked (xlsxExpansionFactor × IMPORT_MAX_BYTES). */
  maxUnpackedBytes?: number;
}

const storedRejections = z.array(z.object({ row: z.number(), field: z.enum(alertFields), message: z.string() }));

/**
 * Leads opened at once: each starts a workflow and waits for its read model, so enough in flight keep both the
 * worker and Temporal busy. 300 leads took 30.0 s with 16, 26.8 s with 32 (medians of 3, bench/import-10k.ts).
 */
const leadConcurrency = 32;
/**
 * Leads one upload opens at most. Each starts a workflow and waits for its read model: about 12 a second on the
 * 2-core development machine (bench/import-10k.ts), so 500 keep the request under a minute. The rows past it are
 * left for the same file's next upload, which carries on where this one stopped.
 */
export const maxLeadsPerUpload = 500;
const leadLimitReached = `本次上传已登记${maxLeadsPerUpload}户新线索（单次上限），此行暂未处理：请再次上传同一文件继续登记，已处理的行不会重复`;

/** Rows per insert transaction, and per lookup. */
const chunkSize = 1000;
const lookupChunkSize = 5000;

/** A household whose case is being opened by someone else right now: the row is refused, and the file may be sent again. */
const retryLater = '该户的监测案件正在登记中，请稍后重新上传此文件';

/**
 * Imports a department's alert list (部门筛查预警): every row is validated; valid rows are matched to households by
 * ID number and become evidence on the household's open case or a lead (a new case, opened as a caseworker's
 * report would be, by the uploading officer). Idempotent: the same file (by SHA-256) is answered from its first
 * import, and each alert is stored once (by its natural key) whichever file brings it. `problem` when the file
 * itself will not do; then nothing is written.
 */
export async function importDepartmentAlerts(
  { db, temporal, logger, maxUnpackedBytes }: ImportDeps,
  actor: Actor,
  file: Buffer,
  now = new Date(),
): Promise<DepartmentAlertImportResult | { problem: string }> {
  const fileSha256 = createHash('sha256').update(file).digest('hex');
  // Per department: of a list several departments share, each imports its own rows.
  const department = actor.department ?? '';
  const importKey = { fileSha256_department: { fileSha256, department } };
  const previous = await db.departmentImport.findUnique({ where: importKey });
  if (previous?.completedAt) {
    return {
      importId: previous.id,
      alreadyImported: true,
      accepted: previous.accepted,
      rejected: storedRejections.parse(previous.rejected),
      leadsCreated: 0,
      evidenceAdded: 0,
      duplicates: previous.accepted,
    };
  }

  const t0 = performance.now();
  const ms: Record<string, number> = {};
  const lap = (name: string) => (ms[name] = Math.round(performance.now() - t0));
  const table = await readTable(file, { maxUnpackedBytes });
  if ('problem' in table) return table;
  // refuseDepartmentAlertImport has checked the officer has a department; rows of other departments are rejected.
  const parsed = parseDepartmentAlertTable(table.rows, chinaDate(now), parseOwnDepartment(actor.department) ?? undefined);
  if ('problem' in parsed) return parsed;
  lap('parsed');

  // An unfinished import of this file (it failed half way, or runs now) is carried on: every step is idempotent.
  const record =
    previous ??
    (await db.departmentImport.upsert({
      where: importKey,
      create: { fileSha256, department, format: table.format, uploadedById: actor.userId, rowCount: parsed.rowCount },
      update: {},
    }));

  const plan = planDepartmentAlerts(parsed.valid, {
    existingKeys: await existingKeys(db, parsed.valid.map(alertNaturalKey)),
    households: await knownHouseholds(db, [...new Set(parsed.valid.map((r) => r.idNumber))]),
    villages: await knownVillages(db, [...new Set(parsed.valid.flatMap((r) => (r.villageCode ? [r.villageCode] : [])))]),
    scope: actor.jurisdictionCode,
    maxLeads: maxLeadsPerUpload,
  });
  lap('planned');
  const rejected = [...parsed.rejected, ...plan.rejected, ...plan.deferred.map((r) => ({ row: r.row, field: 'idNumber' as const, message: leadLimitReached }))];
  let retryable = plan.deferred.length > 0;
  const store = (rows: { row: DepartmentAlertRow; householdId: string; caseId: string }[]) => storeAlerts(db, actor, record.id, rows);

  let stored = await store(plan.evidence);
  lap('evidenceStored');
  let leadsCreated = 0;

  const opened: { lead: AlertLead; caseId: string; created: boolean }[] = [];
  await forEachConcurrently(plan.leads, leadConcurrency, async (lead) => {
    const outcome = await openLead(db, temporal, actor, lead, now);
    if ('caseId' in outcome) opened.push({ lead, ...outcome });
    else {
      retryable ||= outcome.retryable;
      rejected.push(...lead.rows.map((r) => ({ row: r.row, field: outcome.field, message: outcome.message })));
    }
  });
  lap('leadsOpened');
  if (opened.length) {
    const householdIds = await knownHouseholds(db, opened.map((o) => o.lead.idNumber));
    const rows = opened.flatMap(({ lead, caseId }) => lead.rows.map((row) => ({ row, householdId: householdIds.get(lead.idNumber)!.id, caseId })));
    stored += await store(rows);
    leadsCreated = opened.filter((o) => o.created).length;
  }

  lap('leadAlertsStored');
  // Stable: a row's fields stay in the file's column order.
  rejected.sort((a, b) => a.row - b.row);
  const rejectedRows = new Set(rejected.map((r) => r.row)).size;
  const accepted = parsed.rowCount - rejectedRows;
  const evidenceAdded = stored - leadsCreated;
  const duplicates = accepted - leadsCreated - evidenceAdded;
  // A refusal that may pass next time leaves the import unfinished, so sending the same file again retries it.
  await db.departmentImport.update({
    where: { id: record.id },
    data: { accepted, leadsCreated, evidenceAdded, duplicates, rejected: rejected.map((r) => ({ ...r })), completedAt: retryable ? null : new Date() },
  });
  logger.info('department alerts imported', { importId: record.id, rows: parsed.rowCount, accepted, leadsCreated, evidenceAdded, duplicates, rejectedRows, ms });
  return { importId: record.id, alreadyImported: false, accepted, rejected, leadsCreated, evidenceAdded, duplicates };
}

type LeadOutcome = { caseId: string; created: boolean } | { field: RejectedAlertRow['field']; message: string; retryable: boolean };

/** Opens the lead's case through the one way a case starts; a case that appeared meanwhile takes the rows as evidence. */
async function openLead(db: PrismaClient, temporal: TemporalDeps, actor: Actor, lead: AlertLead, now: Date): Promise<LeadOutcome> {
  const household = lead.householdId
    ? await db.household.findUnique({ where: { id: lead.householdId }, select: { headName: true, memberCount: true, laborCapacity: true, perCapitaIncome: true } })
    : null;
  const known = household && {
    headName: household.headName,
    memberCount: household.memberCount,
    laborCapacity: laborCapacities.find((c) => c === household.laborCapacity) ?? 'partial',
    perCapitaIncome: Number(household.perCapitaIncome),
  };
  const intake = createMonitoringCaseSchema.safeParse(leadIntake(lead, known));
  if (!intake.success) {
    const issue = intake.error.issues[0];
    return { field: issue.path.includes('headName') ? 'name' : 'idNumber', message: issue.message, retryable: false };
  }
  const result = await openMonitoringCase({ db, temporal }, actor, intake.data, now);
  if (!('refusal' in result)) return { caseId: result.caseId, created: true };
  const { refusal } = result;
  if (refusal.code === ErrorCode.CONFLICT && result.caseId) return { caseId: result.caseId, created: false };
  if (refusal.code === ErrorCode.CONFLICT && !result.householdNotHere) return { field: 'idNumber', message: retryLater, retryable: true };
  return { field: refusal.code === ErrorCode.VALIDATION || refusal.code === ErrorCode.FORBIDDEN ? 'villageCode' : 'idNumber', message: refusal.reason, retryable: false };
}

/**
 * Stores alerts linked to their household and case, each with its timeline entry, in one transaction per chunk;
 * an alert already stored (by its natural key) is skipped. Returns how many were new. One `unnest` INSERT per
 * table: Prisma's createMany cost about 1 ms a row here, ten times this (measured with bench/import-10k.ts).
 */
async function storeAlerts(
  db: PrismaClient,
  actor: Actor,
  importId: string,
  rows: { row: DepartmentAlertRow; householdId: string; caseId: string }[],
): Promise<number> {
  let stored = 0;
  for (const chunk of chunks(rows, chunkSize)) {
    const alerts = chunk.map(({ row, householdId, caseId }) => ({ id: randomUUID(), key: alertNaturalKey(row), row, householdId, caseId }));
    const column = <T>(pick: (a: (typeof alerts)[number]) => T) => alerts.map(pick);
    stored += await db.$transaction(async (tx) => {
      const created = await tx.$queryRaw<{ id: string }[]>`
        INSERT INTO "DepartmentAlert"
          ("id", "naturalKey", "rowNumber", "name", "idNumber", "department", "trigger", "amount", "alertDate", "householdId", "caseId", "importId", "createdById")
        SELECT a.*, ${importId}, ${actor.userId}
        FROM unnest(
          ${column((a) => a.id)}::text[], ${column((a) => a.key)}::text[], ${column((a) => a.row.row)}::int[],
          ${column((a) => a.row.name)}::text[], ${column((a) => a.row.idNumber)}::text[], ${column((a) => a.row.department)}::text[],
          ${column((a) => a.row.trigger)}::text[], ${column((a) => a.row.amount.toFixed(2))}::numeric[], ${column((a) => a.row.date)}::date[],
          ${column((a) => a.householdId)}::text[], ${column((a) => a.caseId)}::text[]
        ) AS a(id, "naturalKey", "rowNumber", name, "idNumber", department, trigger, amount, "alertDate", "householdId", "caseId")
        ON CONFLICT DO NOTHING
        RETURNING "id"`;
      const createdIds = new Set(created.map((c) => c.id));
      const entries = alerts.filter((a) => createdIds.has(a.id));
      // Department data, not a step of the workflow: the alert and its timeline entry are written together, here,
      // after the case's creation (which a lead's alert follows).
      const storedAt = new Date();
      await tx.$executeRaw`
        INSERT INTO "TimelineEvent" ("id", "caseId", "kind", "comment", "at", "actorId", "actorName")
        SELECT e.*, (${storedAt.toISOString()}::timestamptz AT TIME ZONE 'UTC'), ${actor.userId}, ${actor.username}
        FROM unnest(
          ${entries.map((a) => `department-alert:${a.id}`)}::text[], ${entries.map((a) => a.caseId)}::text[],
          ${entries.map(() => 'DEPARTMENT_ALERT')}::text[], ${entries.map((a) => describeAlert(a.row))}::text[]
        ) AS e(id, "caseId", kind, comment)
        ON CONFLICT DO NOTHING`;
      return created.length;
    });
  }
  return stored;
}

async function existingKeys(db: PrismaClient, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunks(keys, lookupChunkSize)) {
    const rows = await db.$queryRaw<{ naturalKey: string }[]>`SELECT "naturalKey" FROM "DepartmentAlert" WHERE "naturalKey" = ANY(${chunk}::text[])`;
    for (const a of rows) found.add(a.naturalKey);
  }
  return found;
}

/** Households by ID number, each with its open case (one at most). */
async function knownHouseholds(db: PrismaClient, idNumbers: string[]): Promise<Map<string, KnownHousehold>> {
  const found = new Map<string, KnownHousehold>();
  for (const chunk of chunks(idNumbers, lookupChunkSize)) {
    const rows = await db.$queryRaw<{ id: string; idNumber: string; villageCode: string; openCaseId: string | null }[]>`
      SELECT h."id", h."idNumber", h."villageCode",
        (SELECT c."id" FROM "MonitoringCase" c WHERE c."householdId" = h."id" AND c."closedAt" IS NULL ORDER BY c."createdAt" DESC LIMIT 1) AS "openCaseId"
      FROM "Household" h
      WHERE h."idNumber" = ANY(${chunk}::text[])`;
    for (const h of rows) found.set(h.idNumber, { id: h.id, villageCode: h.villageCode, openCaseId: h.openCaseId });
  }
  return found;
}

async function knownVillages(db: PrismaClient, codes: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunks(codes, lookupChunkSize)) {
    for (const v of await db.jurisdiction.findMany({ where: { code: { in: chunk }, level: 'VILLAGE' }, select: { code: true } })) found.add(v.code);
  }
  return found;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `work` on every item, at most `limit` at a time; after a failure no more start, and it is thrown once those running settle. */
async function forEachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  const lane = async () => {
    while (next < items.length && !failures.length) {
      const item = items[next++];
      await work(item).catch((error: unknown) => failures.push(error));
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failures.length) throw failures[0];
}
