export const roles = [
  'VILLAGE_CASEWORKER',
  'TOWN_REVIEWER',
  'DISTRICT_APPROVER',
  'DEPARTMENT_OFFICER',
  'COOPERATION_COORDINATOR',
  'ADMIN',
] as const;
export type Role = (typeof roles)[number];

export const roleLabels: Record<Role, string> = {
  VILLAGE_CASEWORKER: '村级信息员',
  TOWN_REVIEWER: '乡镇审核',
  DISTRICT_APPROVER: '区乡村振兴局审定',
  DEPARTMENT_OFFICER: '行业部门',
  COOPERATION_COORDINATOR: '区协作办',
  ADMIN: '系统管理员',
};

/** Who, at which jurisdiction level, acts on a task when it escalates one level up. */
export const supervisorRoleAt = { TOWN: 'TOWN_REVIEWER', DISTRICT: 'DISTRICT_APPROVER' } as const satisfies Record<
  'TOWN' | 'DISTRICT',
  Role
>;

/** The person acting, as the API has authenticated them. Ids only: no personal data. */
export interface Actor {
  userId: string;
  username: string;
  role: Role;
  jurisdictionCode: string;
  /** A department officer's department (民政, 医保, …); absent for other roles. */
  department?: string | null;
  /**
   * 代办: the absent colleague this person stands in for. The role, jurisdiction and department above are then the
   * absent colleague's (a substitute gains nothing beyond them); userId and username stay the substitute's own.
   */
  onBehalfOf?: { userId: string; username: string };
}
