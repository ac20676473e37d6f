import type { SignedInUser } from './auth-context';

type Role = SignedInUser['role'];

/**
 * What each role sees in the app: hints that mirror the API's rules (src/domain/access.ts and the routers), so
 * nobody is offered a page that would answer 403. The API stays the authority.
 */
export const can = {
  inbox: (_role: Role) => true,
  listCases: (role: Role) => ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER', 'ADMIN'].includes(role),
  reportCase: (role: Role) => ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER'].includes(role),
  importAlerts: (role: Role) => role === 'DEPARTMENT_OFFICER',
  reports: (role: Role) => ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER', 'ADMIN'].includes(role),
  policy: (role: Role) => ['DISTRICT_APPROVER', 'ADMIN'].includes(role),
  storePolicy: (role: Role) => role === 'DISTRICT_APPROVER',
  audit: (role: Role) => ['DISTRICT_APPROVER', 'ADMIN'].includes(role),
  users: (role: Role) => role === 'ADMIN',
  /** 查看完整信息: village and town caseworkers, and department officers with a task of the case. */
  personalData: (role: Role) => ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DEPARTMENT_OFFICER'].includes(role),
  objection: (role: Role) => ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER'].includes(role),
  visit: (role: Role) => role === 'VILLAGE_CASEWORKER',
  measures: (role: Role) => ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER'].includes(role),
  proposeExit: (role: Role) => role === 'VILLAGE_CASEWORKER',
  rollback: (role: Role) => ['VILLAGE_CASEWORKER', 'TOWN_REVIEWER', 'DISTRICT_APPROVER'].includes(role),
};
