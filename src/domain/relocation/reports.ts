import { z } from 'zod';
import type { LaborCapacity } from '../monitoring/case';
import { hasLabour } from './case';
import { beijingDay, targetsOn, type EmploymentSpan, type ProjectSpan } from './targets';

/** 易地搬迁后续扶持报表: per site and per town, without I/O. */

export const relocationReportFormats = ['json', 'csv', 'xlsx'] as const;

export const relocationReportQuerySchema = z.object({
  format: z.enum(relocationReportFormats, { error: `格式应为 ${relocationReportFormats.join('、')} 之一` }).default('json'),
  siteCode: z.string({ error: '安置点代码应为字符串' }).regex(/^[A-Za-z0-9_-]{2,32}$/, '安置点代码应为2至32位字母、数字、- 或 _').optional(),
  townCode: z.string({ error: '乡镇（街道）代码应为9位数字' }).regex(/^\d{9}$/, '乡镇（街道）代码应为9位数字').optional(),
});

/** One case as the report counts it. */
export interface ReportCase {
  siteCode: string;
  townCode: string;
  laborCapacity: LaborCapacity;
  atRisk: boolean;
  employment: EmploymentSpan[];
  projects: ProjectSpan[];
  /** An open 后续扶持走访 past its due time. */
  visitOverdue: boolean;
}

export interface RelocationCounts {
  households: number;
  withLabour: number;
  employmentMet: number;
  projectMet: number;
  atRisk: number;
  overdueVisits: number;
}

/** The report's figures with their Chinese headers, in column order. */
export const relocationFigures: readonly [keyof RelocationCounts, string][] = [
  ['households', '搬迁户数'],
  ['withLabour', '有劳动能力户数'],
  ['employmentMet', '就业目标达标户数'],
  ['projectMet', '产业目标达标户数'],
  ['atRisk', '存在风险户数'],
  ['overdueVisits', '走访逾期户数'],
];

function count(cases: readonly ReportCase[], day: string): RelocationCounts {
  const c: RelocationCounts = { households: 0, withLabour: 0, employmentMet: 0, projectMet: 0, atRisk: 0, overdueVisits: 0 };
  for (const x of cases) {
    const t = targetsOn({ laborCapacity: x.laborCapacity, employment: x.employment, projects: x.projects, day });
    c.households++;
    if (hasLabour(x.laborCapacity)) c.withLabour++;
    if (t.employment.required && t.employment.met) c.employmentMet++;
    if (t.project.required && t.project.met) c.projectMet++;
    if (x.atRisk) c.atRisk++;
    if (x.visitOverdue) c.overdueVisits++;
  }
  return c;
}

export function buildRelocationReport(p: {
  cases: readonly ReportCase[];
  sites: readonly { code: string; name: string; townCode: string }[];
  towns: readonly { code: string; name: string }[];
  scope: { code: string; name: string };
  filters: { siteCode: string | null; townCode: string | null };
  now: Date;
}) {
  const day = beijingDay(p.now.getTime());
  const townName = (code: string) => p.towns.find((t) => t.code === code)?.name ?? code;
  return {
    generatedAt: p.now.toISOString(),
    asOf: day,
    scope: p.scope,
    filters: p.filters,
    totals: count(p.cases, day),
    bySite: p.sites.map((s) => ({ siteCode: s.code, siteName: s.name, townCode: s.townCode, townName: townName(s.townCode), ...count(p.cases.filter((c) => c.siteCode === s.code), day) })),
    byTown: p.towns.map((t) => ({ townCode: t.code, townName: t.name, ...count(p.cases.filter((c) => c.townCode === t.code), day) })),
  };
}
export type RelocationReport = ReturnType<typeof buildRelocationReport>;
