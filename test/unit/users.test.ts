import { refuseOwnAccountChange, refuseUserManagement } from '../../src/domain/access';
import { roles, type Actor } from '../../src/domain/roles';
import { assignmentProblems, createUserSchema, updateUserSchema } from '../../src/domain/users';

const admin: Actor = { userId: 'admin-id', username: 'admin', role: 'ADMIN', jurisdictionCode: '500154' };

describe('staff accounts', () => {
  test('only admins manage them', () => {
    expect(refuseUserManagement(admin)).toBeNull();
    for (const role of roles.filter((r) => r !== 'ADMIN')) expect(refuseUserManagement({ ...admin, role })).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('an admin may not disable their own account or change their own role, but may change the rest of it', () => {
    expect(refuseOwnAccountChange(admin, 'admin-id', { active: false })).toMatchObject({ code: 'FORBIDDEN', reason: expect.stringContaining('停用自己') });
    expect(refuseOwnAccountChange(admin, 'admin-id', { role: 'TOWN_REVIEWER' })).toMatchObject({ code: 'FORBIDDEN' });
    expect(refuseOwnAccountChange(admin, 'admin-id', { role: 'ADMIN', active: true })).toBeNull();
    expect(refuseOwnAccountChange(admin, 'other-id', { role: 'TOWN_REVIEWER', active: false })).toBeNull();
  });

  test('a role works at its level of the jurisdiction tree; a department is for officers, and they need one', () => {
    expect(assignmentProblems({ role: 'VILLAGE_CASEWORKER', jurisdictionCode: '500154017001', department: null })).toEqual([]);
    expect(assignmentProblems({ role: 'TOWN_REVIEWER', jurisdictionCode: '500154017', department: null })).toEqual([]);
    expect(assignmentProblems({ role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: 'EDUCATION' })).toEqual([]);
    expect(assignmentProblems({ role: 'VILLAGE_CASEWORKER', jurisdictionCode: '500154017', department: 'EDUCATION' }).map((p) => p.path)).toEqual(['jurisdictionCode', 'department']);
    expect(assignmentProblems({ role: 'DEPARTMENT_OFFICER', jurisdictionCode: '500154', department: null })).toEqual([{ path: 'department', message: '行业部门人员必须设置所属部门' }]);
    expect(assignmentProblems({ role: 'DISTRICT_APPROVER', jurisdictionCode: '500154017001', department: null })).toEqual([
      { path: 'jurisdictionCode', message: expect.stringContaining('区（6位代码）') },
    ]);
  });

  test('a new account: username lower-cased, the password rule, each bad field named', () => {
    const ok = createUserSchema.parse({ username: ' New.Worker ', displayName: '新信息员', email: 'new@example.gov.cn', password: 'long-enough-1', role: 'VILLAGE_CASEWORKER', jurisdictionCode: '500154017001' });
    expect(ok.username).toBe('new.worker');
    const bad = createUserSchema.safeParse({ username: 'x', displayName: '', email: 'nope', password: 'short', role: 'KING', jurisdictionCode: '5001', department: 'FINANCE' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['department', 'displayName', 'email', 'jurisdictionCode', 'password', 'role', 'username']);
    expect(bad.error!.issues.find((i) => i.path[0] === 'password')!.message).toBe('密码至少10个字符');
  });

  test('a change names what it changes; the username and password hash are not among them', () => {
    expect(updateUserSchema.parse({ active: false })).toEqual({ active: false });
    const unknown = updateUserSchema.safeParse({ username: 'other', passwordHash: 'x' });
    expect(unknown.error!.issues[0].message).toMatch(/^不能修改 username、passwordHash/);
    expect(updateUserSchema.safeParse({}).error!.issues[0].message).toBe('请至少修改一项');
  });
});
