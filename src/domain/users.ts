import { z } from 'zod';
import { newPasswordSchema } from './auth-schemas';
import { departmentLabels, departments } from './departments';
import { jurisdictionLevel, type JurisdictionLevel } from './jurisdictions';
import { pagingSchema } from './monitoring/schemas';
import { hiddenCharacterMessage, isReadableText } from './text';
import { roleLabels, roles, type Role } from './roles';

/** Staff accounts, managed by admins (shared/domain.md: ADMIN, users and reference data). Pure rules and schemas. */

/** The jurisdiction level each role works at: a village caseworker a village, a reviewer a town, the rest the district. */
export const roleLevels: Record<Role, JurisdictionLevel> = {
  VILLAGE_CASEWORKER: 'VILLAGE',
  TOWN_REVIEWER: 'TOWN',
  DISTRICT_APPROVER: 'DISTRICT',
  DEPARTMENT_OFFICER: 'DISTRICT',
  COOPERATION_COORDINATOR: 'DISTRICT',
  ADMIN: 'DISTRICT',
};

const levelLabels: Record<JurisdictionLevel, string> = { VILLAGE: '村（社区，12位代码）', TOWN: '乡镇（街道，9位代码）', DISTRICT: '区（6位代码）' };

export interface Assignment {
  role: Role;
  jurisdictionCode: string;
  department: string | null;
}

/** Each problem of a role, jurisdiction and department taken together, with the field at fault; empty when they fit. */
export function assignmentProblems({ role, jurisdictionCode, department }: Assignment): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const level = roleLevels[role];
  if (jurisdictionLevel(jurisdictionCode) !== level) {
    problems.push({ path: 'jurisdictionCode', message: `${roleLabels[role]}的辖区应为${levelLabels[level]}` });
  }
  if (role === 'DEPARTMENT_OFFICER' && !department) problems.push({ path: 'department', message: '行业部门人员必须设置所属部门' });
  if (role !== 'DEPARTMENT_OFFICER' && department) problems.push({ path: 'department', message: '只有行业部门人员设置所属部门' });
  return problems;
}

const roleSchema = z.enum(roles, { error: `角色应为 ${roles.join('、')} 之一` });
const jurisdictionCodeSchema = z.string({ error: '请填写辖区代码' }).regex(/^\d{6}(\d{3}(\d{3})?)?$/, '辖区代码应为6位（区）、9位（乡镇）或12位（村）数字');
const departmentSchema = z.enum(departments, { error: `部门应为 ${departments.map((d) => `${d}（${departmentLabels[d]}）`).join('、')} 之一` });
const displayNameSchema = z.string({ error: '请填写姓名' }).trim().min(1, '请填写姓名').max(50, '姓名不超过50个字').refine(isReadableText, hiddenCharacterMessage('姓名'));
const emailSchema = z.email({ error: '邮箱格式不正确' }).max(200, '邮箱不超过200个字符');

/** Usernames are stored in lower case: login compares them as typed, the lockout in lower case. */
export const usernameSchema = z
  .string({ error: '请填写用户名' })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,49}$/, '用户名为3至50个字符：字母、数字、点、下划线或连字符，以字母或数字开头');

export const createUserSchema = z.object({
  username: usernameSchema,
  displayName: displayNameSchema,
  email: emailSchema,
  password: newPasswordSchema,
  role: roleSchema,
  jurisdictionCode: jurisdictionCodeSchema,
  department: departmentSchema.nullable().optional(),
});
export type CreateUser = z.infer<typeof createUserSchema>;

/** What an admin may change; the username is the account's name in the audit log and stays. */
const unknownUserField = (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys'
    ? `不能修改 ${(issue.keys ?? []).join('、')}：只能修改 displayName、email、role、jurisdictionCode、department 和 active（密码请用重置密码接口）`
    : undefined;

export const updateUserSchema = z
  .strictObject(
    {
      displayName: displayNameSchema.optional(),
      email: emailSchema.optional(),
      role: roleSchema.optional(),
      jurisdictionCode: jurisdictionCodeSchema.optional(),
      department: departmentSchema.nullable().optional(),
      active: z.boolean({ error: '启用状态应为 true 或 false' }).optional(),
    },
    { error: unknownUserField },
  )
  .refine((u) => Object.keys(u).length > 0, '请至少修改一项');
export type UpdateUser = z.infer<typeof updateUserSchema>;

export const resetPasswordSchema = z.object({ password: newPasswordSchema });

const booleanString = z.enum(['true', 'false'], { error: '应为 true 或 false' }).transform((v) => v === 'true');

export const listUsersSchema = z.object({
  role: roleSchema.optional(),
  /** Users of this jurisdiction and below. */
  jurisdictionCode: jurisdictionCodeSchema.optional(),
  active: booleanString.optional(),
  ...pagingSchema,
});
