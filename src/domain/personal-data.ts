import { maskPersonalDataInText, maskPhone } from './audit';

/** Free text as every view shows it: ID-number, phone and bank-account shapes masked (one implementation, ./audit). */
export { maskPersonalDataInText };
import { ErrorCode, type Refusal } from './errors';
import { maskIdNumber } from './id-number';
import { isWithin, townOf } from './jurisdictions';
import type { Actor } from './roles';

/**
 * Who sees a household's ID number (身份证号) and phone whole, and where: the one rule (shared/domain.md, Privacy).
 *
 * Every view masks them (500234********1234, 138****5678): case lists and case views, inboxes, alerts, postings,
 * reports and their exports, the audit log. One view shows them whole, `GET /api/monitoring-cases/:id/personal-data`,
 * and only to the people whose work on that case needs the number itself, each look recorded in the audit log:
 * - the village caseworkers of the household's village: they visit the home, check the ID card against the
 *   household register, collect the signed consent to data checks, and deliver village measures;
 * - the town reviewers of its town: the town review (乡镇审核) checks the registration and the consent;
 * - a department officer while a task of that case is in their inbox (信息比对 data matching, or delivering their
 *   department's measure): matching against the department's records, or paying a 低保, goes by ID number.
 * Nobody else: the district approves on the file the village and town have checked; admins and coordinators do not
 * work cases; reports and exports are aggregates and lists, never a reason to copy ID numbers out of the system.
 * A closed case (not included, or eliminated) needs nobody's work, so it shows the full numbers to nobody.
 */

/** The views that show personal data; only `case.personal-data` may show it whole. */
export const personalDataViews = ['case.list', 'case.detail', 'case.personal-data', 'task.inbox', 'report', 'export', 'audit'] as const;
export type PersonalDataView = (typeof personalDataViews)[number];

/** What the rule needs to know about the case. */
export interface PersonalDataSubject {
  villageCode: string;
  closed: boolean;
  /** The case's open tasks that this actor may act on (their inbox), for department officers. */
  actorOpenTasks: readonly { step: string; department: string | null }[];
}

/** Department work that needs the ID number: matching the department's records, delivering its measure. */
const departmentStepsNeedingIdNumber = ['DATA_MATCHING', 'MEASURE_DELIVERY'];

/** Why this actor does not see this case's personal data whole in this view; null when they do. */
export function refuseFullPersonalData(actor: Actor, view: PersonalDataView, subject: PersonalDataSubject): Refusal | null {
  const refuse = (reason: string): Refusal => ({ code: ErrorCode.FORBIDDEN, reason });
  if (view !== 'case.personal-data') return refuse('列表、报表、导出和审计日志中的身份证号和电话一律脱敏显示');
  if (subject.closed) return refuse('案件已办结，不再显示完整的身份证号和电话');
  switch (actor.role) {
    case 'VILLAGE_CASEWORKER':
      return isWithin(subject.villageCode, actor.jurisdictionCode) ? null : refuse('只有本村信息员可以查看该户完整的身份证号和电话');
    case 'TOWN_REVIEWER':
      return townOf(subject.villageCode) === actor.jurisdictionCode ? null : refuse('只有本乡镇审核人员可以查看该户完整的身份证号和电话');
    case 'DEPARTMENT_OFFICER':
      return subject.actorOpenTasks.some((t) => departmentStepsNeedingIdNumber.includes(t.step) && (t.department === null || t.department === actor.department))
        ? null
        : refuse('行业部门只能在办理该户的信息比对或帮扶措施任务时查看完整的身份证号和电话');
    default:
      return refuse('您的角色不需要查看农户完整的身份证号和电话，页面中显示脱敏号码');
  }
}

/** The masked forms every other view shows. */
export function maskedPersonalData(household: { idNumber: string; phone: string | null }): { idNumber: string; phone: string | null } {
  return { idNumber: maskIdNumber(household.idNumber), phone: household.phone === null ? null : maskPhone(household.phone) };
}
