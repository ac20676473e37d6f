import { monitoringLineFor, type PolicySettings } from '../policy';
import { taskSpecFor, type ProcessRegistry } from '../tasks/process';
import { isOverdue, openTask } from '../tasks/task';
import { extremePovertyMinimumFen, isAboveMonitoringLine, isBelowExtremePovertyMinimum } from './assistance';
import type { Stage } from './case';
import { beijingYear, monitoredStages, visitTaskSpec } from './elimination';

/**
 * 政策模拟测算: what proposed policy settings would change for the cases open now, by the very rules the real checks
 * apply (one implementation: the income-vs-line test of 风险消除, the 特困 ≥ 1.3 × 低保 refusal of measure plans, the
 * task kit's due computation). Each case is compared with the settings it follows now (its pinned version), since
 * those are what its checks use until it is moved onto the proposed version. Pure: the API loads the read model.
 */

export const whatIfKinds = ['INCOME_FALLS_BELOW_LINE', 'INCOME_RISES_ABOVE_LINE', 'EXTREME_POVERTY_BELOW_MINIMUM', 'STEP_BECOMES_OVERDUE', 'STEP_NO_LONGER_OVERDUE'] as const;
export type WhatIfKind = (typeof whatIfKinds)[number];
export const whatIfKindLabels: Record<WhatIfKind, string> = {
  INCOME_FALLS_BELOW_LINE: '最近一次走访收入将不高于监测线',
  INCOME_RISES_ABOVE_LINE: '最近一次走访收入将高于监测线',
  EXTREME_POVERTY_BELOW_MINIMUM: '特困供养金额将低于低保标准的1.3倍',
  STEP_BECOMES_OVERDUE: '办理环节将逾期',
  STEP_NO_LONGER_OVERDUE: '办理环节将不再逾期',
};

/** An open case as the read model holds it, with what the rules need. */
export interface WhatIfCase {
  id: string;
  process: string;
  villageCode: string;
  townCode: string;
  category: string;
  stage: string;
  policyVersion: number;
  /** The settings of its pinned version. */
  settings: PolicySettings;
  /** The latest recorded visit (定期走访 or 回头看). */
  latestVisit: { at: number; perCapitaIncome: number } | null;
  /** Measures that still stand (planned or delivered). */
  measures: readonly { id: string; type: string; monthlyAmount: number | null; endDate: string | null }[];
  openTasks: readonly { id: string; step: string; openedAt: number; dueAt: number }[];
}

/** One change, as a flat row (the XLSX sheet's too): the fields of other kinds are null. No names, no ID numbers. */
export interface WhatIfChange {
  caseId: string;
  process: string;
  villageCode: string;
  townCode: string;
  category: string;
  stage: string;
  policyVersion: number;
  kind: WhatIfKind;
  /** 元/人/年, the latest visit's. */
  income: number | null;
  currentLine: number | null;
  proposedLine: number | null;
  measureId: string | null;
  monthlyAmount: number | null;
  /** 元/月: 1.3 × the 低保 standard, now and as proposed. */
  currentMinimum: number | null;
  proposedMinimum: number | null;
  taskId: string | null;
  step: string | null;
  dueAt: string | null;
  proposedDueAt: string | null;
}

const beijingDate = (at: number) => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);

/** When a task opened at `openedAt` would fall due under `settings`: the same computation that opens tasks. */
export function dueAtUnder(processes: ProcessRegistry, c: Pick<WhatIfCase, 'process' | 'villageCode' | 'stage'>, step: string, openedAt: number, settings: PolicySettings): number | null {
  const definition = processes.get(c.process);
  if (!definition?.steps[step]) return null;
  // Monitoring's follow-up visit is due after the recheck interval once the risk is eliminated (visitTaskSpec).
  const spec =
    c.process === 'monitoring' && step === 'VISIT'
      ? visitTaskSpec(c.stage as Stage, c.villageCode, null, settings)
      : taskSpecFor(definition, step, { caseJurisdiction: c.villageCode, submitterId: null, settings: settings as unknown as Record<string, unknown>, now: openedAt });
  return openTask('what-if', spec, openedAt).dueAt;
}

export function policyWhatIf(input: { cases: readonly WhatIfCase[]; proposed: PolicySettings; now: number; processes: ProcessRegistry }): WhatIfChange[] {
  const { proposed, now } = input;
  const year = beijingYear(now);
  const today = beijingDate(now);
  const proposedLine = monitoringLineFor(proposed, year);
  const changes: WhatIfChange[] = [];
  for (const c of input.cases) {
    const base = {
      caseId: c.id,
      process: c.process,
      villageCode: c.villageCode,
      townCode: c.townCode,
      category: c.category,
      stage: c.stage,
      policyVersion: c.policyVersion,
      income: null,
      currentLine: null,
      proposedLine: null,
      measureId: null,
      monthlyAmount: null,
      currentMinimum: null,
      proposedMinimum: null,
      taskId: null,
      step: null,
      dueAt: null,
      proposedDueAt: null,
    };
    const monitored = c.process === 'monitoring' && monitoredStages.includes(c.stage as Stage);
    if (monitored && c.latestVisit) {
      const currentLine = monitoringLineFor(c.settings, year);
      // Without a line for the year (or before) there is nothing to compare with, now or as proposed.
      if (currentLine && proposedLine) {
        const now = isAboveMonitoringLine(c.latestVisit.perCapitaIncome, currentLine.line);
        const then = isAboveMonitoringLine(c.latestVisit.perCapitaIncome, proposedLine.line);
        if (now !== then) {
          changes.push({ ...base, kind: then ? 'INCOME_RISES_ABOVE_LINE' : 'INCOME_FALLS_BELOW_LINE', income: c.latestVisit.perCapitaIncome, currentLine: currentLine.line, proposedLine: proposedLine.line });
        }
      }
    }
    if (monitored) {
      for (const m of c.measures) {
        if (m.type !== 'EXTREME_POVERTY_SUPPORT' || m.monthlyAmount === null || (m.endDate !== null && m.endDate < today)) continue;
        if (isBelowExtremePovertyMinimum(m.monthlyAmount, proposed.standards) && !isBelowExtremePovertyMinimum(m.monthlyAmount, c.settings.standards)) {
          changes.push({
            ...base,
            kind: 'EXTREME_POVERTY_BELOW_MINIMUM',
            measureId: m.id,
            monthlyAmount: m.monthlyAmount,
            currentMinimum: extremePovertyMinimumFen(c.settings.standards) / 100,
            proposedMinimum: extremePovertyMinimumFen(proposed.standards) / 100,
          });
        }
      }
    }
    for (const t of c.openTasks) {
      const proposedDue = dueAtUnder(input.processes, c, t.step, t.openedAt, proposed);
      if (proposedDue === null) continue;
      const overdueNow = isOverdue({ status: 'OPEN', dueAt: t.dueAt }, now);
      const overdueThen = isOverdue({ status: 'OPEN', dueAt: proposedDue }, now);
      if (overdueNow !== overdueThen) {
        changes.push({
          ...base,
          kind: overdueThen ? 'STEP_BECOMES_OVERDUE' : 'STEP_NO_LONGER_OVERDUE',
          taskId: t.id,
          step: t.step,
          dueAt: new Date(t.dueAt).toISOString(),
          proposedDueAt: new Date(proposedDue).toISOString(),
        });
      }
    }
  }
  return changes;
}

/** Counts of changes per town and category (each kind, and the cases with any change). */
export function whatIfCounts(changes: readonly WhatIfChange[]): { townCode: string; category: string; cases: number; byKind: Record<WhatIfKind, number> }[] {
  const groups = new Map<string, { townCode: string; category: string; cases: Set<string>; byKind: Record<WhatIfKind, number> }>();
  for (const c of changes) {
    const key = `${c.townCode}|${c.category}`;
    const g = groups.get(key) ?? { townCode: c.townCode, category: c.category, cases: new Set(), byKind: Object.fromEntries(whatIfKinds.map((k) => [k, 0])) as Record<WhatIfKind, number> };
    g.cases.add(`${c.process}:${c.caseId}`);
    g.byKind[c.kind]++;
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => a.townCode.localeCompare(b.townCode) || a.category.localeCompare(b.category))
    .map((g) => ({ townCode: g.townCode, category: g.category, cases: g.cases.size, byKind: g.byKind }));
}
