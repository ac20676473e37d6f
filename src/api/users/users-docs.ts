import { z } from 'zod';
import { demoTown } from '../../demo/seed';
import { departments } from '../../domain/departments';
import { roles } from '../../domain/roles';
import { createUserSchema, listUsersSchema, resetPasswordSchema, updateUserSchema } from '../../domain/users';
import type { RouteDoc } from '../openapi/registry';

/** The OpenAPI descriptions of the users routes and the personal-data view (src/api/openapi/routes.ts lists them). */

const userParams = z.object({ id: z.string().min(1).meta({ description: '用户 id（UUID）', examples: ['3f1c2a9e-8d7b-4c55-9a61-2b0e4d6f7a81'] }) });
const caseParams = z.object({ id: z.string().min(1).meta({ description: '案件 id（UUID）', examples: ['3f1c2a9e-8d7b-4c55-9a61-2b0e4d6f7a81'] }) });

export const userViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string(),
  role: z.enum(roles),
  roleLabel: z.string(),
  jurisdictionCode: z.string(),
  department: z.enum(departments).nullable(),
  departmentLabel: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const userListSchema = z.object({ items: z.array(userViewSchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() });
const personalDataSchema = z.object({ caseId: z.string(), householdId: z.string(), headName: z.string(), idNumber: z.string(), phone: z.string().nullable() });

const adminsOnly = '只有系统管理员可以管理用户账号';

export const personalDataRouteDoc: Omit<RouteDoc, 'tags'> = {
  method: 'get',
  path: '/api/monitoring-cases/{id}/personal-data',
  operationId: 'getCasePersonalData',
  summary: '查看农户完整身份证号和电话',
  description:
    '其他视图一律脱敏。仅本村信息员、本乡镇审核人员，以及正在办理该户信息比对或本部门帮扶措施任务的行业部门人员可以查看（规则见 src/domain/personal-data.ts）；案件办结后任何人都不能查看。每次查看都记入审计日志（`case.view_personal_data`）。',
  auth: true,
  params: caseParams,
  responses: {
    200: { description: '完整的身份证号和电话', schema: personalDataSchema },
    403: '您的角色不需要查看完整号码，或案件已办结',
    404: '案件不存在或不在您的辖区内',
  },
};

export const userRouteDocs: Omit<RouteDoc, 'tags'>[] = [
  {
    method: 'get',
    path: '/api/users',
    operationId: 'listUsers',
    summary: '用户列表',
    description: '按用户名排序；可按角色、辖区（含下级）和启用状态筛选。不含密码。仅系统管理员。',
    auth: true,
    query: listUsersSchema,
    responses: { 200: { description: '用户', schema: userListSchema }, 403: adminsOnly },
  },
  {
    method: 'post',
    path: '/api/users',
    operationId: 'createUser',
    summary: '新建用户',
    description: '角色与辖区层级须一致（村信息员—村，乡镇审核—乡镇，其余—区）；行业部门人员必须设置部门。密码至少10个字符，以 argon2 保存。记入审计日志（`user.create`，不含密码）。',
    auth: true,
    body: {
      json: createUserSchema,
      example: { username: 'town.reviewer2', displayName: '乡镇审核员', email: 'reviewer2@example.gov.cn', password: 'a-long-password', role: 'TOWN_REVIEWER', jurisdictionCode: demoTown },
    },
    responses: { 201: { description: '新用户', schema: userViewSchema }, 403: adminsOnly, 409: '用户名已被使用' },
  },
  {
    method: 'patch',
    path: '/api/users/{id}',
    operationId: 'updateUser',
    summary: '修改用户',
    description: '修改姓名、邮箱、角色、辖区、部门或启用状态。停用后不能登录，已登录的会话（含刷新令牌）立即失效。不能停用自己或更改自己的角色。记入审计日志（`user.change`，修改前后的字段）。',
    auth: true,
    params: userParams,
    body: { json: updateUserSchema, example: { active: false } },
    responses: { 200: { description: '修改后的用户', schema: userViewSchema }, 403: `${adminsOnly}；不能停用自己或更改自己的角色`, 404: '用户不存在' },
  },
  {
    method: 'post',
    path: '/api/users/{id}/password',
    operationId: 'resetUserPassword',
    summary: '重置密码',
    description: '新密码至少10个字符；该用户所有会话立即失效。记入审计日志（`user.password_reset`，不含密码）。',
    auth: true,
    params: userParams,
    body: { json: resetPasswordSchema, example: { password: 'a-new-long-password' } },
    responses: { 204: { description: '已重置' }, 403: adminsOnly, 404: '用户不存在' },
  },
];
