import type { LaborCapacity } from '../../domain/monitoring/case';
import type { CreateMonitoringCase } from '../../domain/monitoring/schemas';
import type { ReferralRequest, ReferralResult, RelocationChange } from '../../domain/relocation/messages';
import { relocationWorkflowId } from '../../domain/relocation/case';
import type { Transition } from '../../domain/tasks/messages';
import type { ActivityDeps } from '../deps';
import { openMonitoringCase } from '../monitoring/intake';
import type { CaseWriter } from '../tasks/task-activities';

/** Relocation's part of a recorded step: its case row, ledgers and visits, in the kit's transaction. Idempotent. */
export const writeRelocationChange: CaseWriter = async (tx, transition: Transition) => {
  const change = transition.change as RelocationChange;
  const { caseId, at } = transition;
  const when = new Date(at);
  if (change.register) {
    const { input, stage } = change.register;
    await tx.relocationCase.upsert({
      where: { id: caseId },
      update: {},
      create: {
        id: caseId,
        workflowId: relocationWorkflowId(input.householdId),
        householdId: input.householdId,
        siteCode: input.siteCode,
        villageCode: input.villageCode,
        townCode: input.villageCode.slice(0, 9),
        relocatedAt: input.relocatedAt,
        laborCapacity: input.laborCapacity,
        stage,
        settings: { ...input.settings },
        createdById: input.createdBy.userId,
        openedAt: new Date(input.openedAt),
      },
    });
  }
  if (change.baseline) {
    await tx.relocationCase.update({ where: { id: caseId }, data: { baseline: { ...change.baseline }, baselineAt: when } });
  }
  if (change.employment) {
    const { entryId, entry, actorId } = change.employment;
    await tx.relocationEmployment.createMany({
      data: [{ id: entryId, caseId, memberName: entry.memberName, employer: entry.employer, industry: entry.industry, monthlyPay: entry.monthlyPay, startDate: entry.startDate, endDate: entry.endDate ?? null, createdById: actorId, createdAt: when }],
      skipDuplicates: true,
    });
  }
  if (change.employmentEnded) {
    await tx.relocationEmployment.update({ where: { id: change.employmentEnded.entryId }, data: { endDate: change.employmentEnded.endDate } });
  }
  if (change.project) {
    const { entryId, entry, actorId } = change.project;
    await tx.relocationProject.createMany({
      data: [{ id: entryId, caseId, name: entry.name, type: entry.type, startDate: entry.startDate, expectedYearlyIncome: entry.expectedYearlyIncome ?? null, createdById: actorId, createdAt: when }],
      skipDuplicates: true,
    });
  }
  if (change.visit) {
    const { visitId, visit, actorId, monitoringCaseId, referred } = change.visit;
    await tx.relocationVisit.createMany({
      data: [{ id: visitId, caseId, at: when, actorId, atRisk: visit.atRisk, riskTypes: visit.riskTypes ?? [], perCapitaIncome: visit.perCapitaIncome, note: visit.note ?? null, monitoringCaseId, referred }],
      skipDuplicates: true,
    });
  }
  if (change.evidence) {
    // The finding on the household's open monitoring case, beside its other leads' evidence.
    const { monitoringCaseId, visitId, riskTypes, actorId, actorName, note } = change.evidence;
    await tx.timelineEvent.createMany({
      data: [{ id: `${visitId}:monitoring-evidence`, caseId: monitoringCaseId, at: when, kind: 'RELOCATION_EVIDENCE', actorId, actorName, comment: `易地搬迁后续扶持走访发现返贫风险（${riskTypes.join('、')}）${note ? `：${note}` : ''}` }],
      skipDuplicates: true,
    });
  }
  if (change.state) {
    const { stage, atRisk, metSince, laborCapacity, monitoringCaseId } = change.state;
    await tx.relocationCase.update({
      where: { id: caseId },
      data: { stage, atRisk, metSince: metSince === null ? null : new Date(metSince), laborCapacity, monitoringCaseId, closedAt: stage === 'CLOSED' ? when : null },
    });
  }
};

export function createRelocationActivities({ db, temporal }: ActivityDeps) {
  return {
    /**
     * 转入防止返贫监测: a visit found the household at risk. Opens a monitoring case through the same intake as every lead
     * (channel 干部走访排查, the risk types found), idempotent by `intakeKey`; when the household already has an open
     * monitoring case, answers with it so the workflow adds the finding there. The household's name and ID number are
     * read here, so they never enter the relocation workflow's history.
     */
    async referToMonitoring(r: ReferralRequest): Promise<ReferralResult> {
      if (!temporal) throw new Error('referToMonitoring needs a Temporal client in the activity dependencies');
      const h = await db.household.findUniqueOrThrow({ where: { id: r.householdId } });
      const note = `易地扶贫搬迁后续扶持走访发现返贫风险（搬迁户案件 ${r.relocationCaseId}）${r.note ? `：${r.note}` : ''}`.slice(0, 2000);
      const body: CreateMonitoringCase = {
        household: { headName: h.headName, idNumber: h.idNumber, ...(h.phone && { phone: h.phone }), villageCode: h.villageCode, memberCount: h.memberCount, laborCapacity: h.laborCapacity as LaborCapacity },
        category: 'UNSTABLE_ESCAPED',
        channel: 'CADRE_VISIT',
        riskTypes: r.riskTypes.length ? r.riskTypes : ['OTHER'],
        perCapitaIncome: r.perCapitaIncome,
        note,
      };
      const result = await openMonitoringCase({ db, temporal }, r.actor, body, new Date(r.discoveredAt), r.intakeKey);
      if ('refusal' in result) {
        return result.caseId ? { monitoringCaseId: result.caseId, referred: false } : { refusal: { code: result.refusal.code, reason: result.refusal.reason } };
      }
      return { monitoringCaseId: result.caseId, referred: true };
    },
  };
}
