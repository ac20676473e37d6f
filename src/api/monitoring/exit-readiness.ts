import { keptFindings, exitRefusals } from '../../domain/monitoring/elimination';
import type { LaborCapacity } from '../../domain/monitoring/case';
import { defaultPolicySettings } from '../../domain/policy';
import { policyVersion } from '../../db/policy-versions';
import type { PrismaClient } from '../../generated/prisma/client';

/**
 * Whether a monitored household's exit (风险消除) may be proposed now, and if not why, from the read model by the same
 * rules the workflow applies when the proposal comes: so the caseworker sees the reasons before asking.
 */
export async function exitReadiness(
  db: PrismaClient,
  row: { id: string; policyVersion: number; household: { laborCapacity: string } },
  now: Date,
): Promise<{ canPropose: boolean; problems: string[] }> {
  const [pinned, became, delivered, visits] = await Promise.all([
    policyVersion(db, row.policyVersion),
    // Monitored since the announcement, or since the latest rollback; a refused exit does not restart the count.
    db.timelineEvent.findFirst({
      where: { caseId: row.id, toStage: 'MONITORED', fromStage: { in: ['ANNOUNCEMENT', 'RISK_ELIMINATED'] } },
      orderBy: { at: 'desc' },
      select: { at: true },
    }),
    db.measure.count({ where: { caseId: row.id, status: 'DELIVERED' } }),
    db.followUpVisit.findMany({ where: { caseId: row.id }, orderBy: { at: 'desc' }, take: keptFindings }),
  ]);
  const policy = pinned?.settings ?? defaultPolicySettings;
  const problems = exitRefusals({
    laborCapacity: row.household.laborCapacity as LaborCapacity,
    monitoredSince: (became?.at ?? now).getTime(),
    now: now.getTime(),
    measuresDelivered: delivered,
    findings: visits.reverse().map((v) => ({ at: v.at.getTime(), perCapitaIncome: Number(v.perCapitaIncome), unresolvedSpending: v.unresolvedSpending, guaranteesSecure: v.guaranteesSecure })),
    policy,
  });
  return { canPropose: problems.length === 0, problems };
}
