import { Alert, App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../api/client';
import { useUser } from '../auth/auth-context';
import { showIssues } from '../form-issues';
import { departmentLabels, options, roleLabels } from '../labels';
import { placeName } from '../places';
import { emptyText } from '../components/empty-text';
import { useApi } from '../use-api';

interface Account {
  id: string;
  username: string;
  displayName: string;
  email: string;
  role: keyof typeof roleLabels;
  roleLabel: string;
  jurisdictionCode: string;
  department: string | null;
  departmentLabel: string | null;
  active: boolean;
}
type Editing = { mode: 'create' } | { mode: 'edit'; account: Account } | { mode: 'password'; account: Account };

const fields = [['username'], ['displayName'], ['email'], ['password'], ['role'], ['jurisdictionCode'], ['department'], ['active']];

/** 用户管理 (admins): accounts, new ones, changes, disabling, password resets. */
export default function UsersPage() {
  const me = useUser();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useApi(() => api.GET('/api/users', { params: { query: { page, pageSize: 20 } } }), [page]);
  const [editing, setEditing] = useState<Editing | null>(null);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          用户管理
        </Typography.Title>
        <Button type="primary" onClick={() => setEditing({ mode: 'create' })}>
          新建用户
        </Button>
      </Space>
      {error && <Alert type="error" showIcon message={error.text} />}
      <Table<Account>
        size="small"
        rowKey="id"
        locale={emptyText('暂无用户')}
        loading={loading}
        dataSource={(data?.items ?? []) as Account[]}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: '用户名', dataIndex: 'username' },
          { title: '姓名', dataIndex: 'displayName' },
          { title: '角色', dataIndex: 'roleLabel' },
          { title: '辖区', dataIndex: 'jurisdictionCode', render: (c: string) => placeName(c) },
          { title: '部门', dataIndex: 'departmentLabel', render: (d: string | null) => d ?? '—' },
          { title: '状态', dataIndex: 'active', render: (a: boolean) => (a ? <Tag color="#237804">启用</Tag> : <Tag>停用</Tag>) },
          {
            title: '操作',
            render: (_v, account) => (
              <Space>
                <Button size="small" onClick={() => setEditing({ mode: 'edit', account })}>
                  修改
                </Button>
                <Button size="small" onClick={() => setEditing({ mode: 'password', account })}>
                  重置密码
                </Button>
                {account.id !== me.id && (
                  <Button
                    size="small"
                    danger={account.active}
                    onClick={() =>
                      void api.PATCH('/api/users/{id}', { params: { path: { id: account.id } }, body: { active: !account.active } }).then(({ error: failure }) => {
                        if (failure) void message.error(errorText(failure));
                        else void message.success(account.active ? '已停用，其登录立即失效' : '已启用');
                        reload();
                      })
                    }
                  >
                    {account.active ? '停用' : '启用'}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {editing && (
        <AccountDialog
          editing={editing}
          onClose={() => setEditing(null)}
          onSaved={(text) => {
            setEditing(null);
            void message.success(text);
            reload();
          }}
        />
      )}
    </Space>
  );
}

function AccountDialog({ editing, onClose, onSaved }: { editing: Editing; onClose: () => void; onSaved: (text: string) => void }) {
  const [form] = Form.useForm();
  const [alert, setAlert] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const role = Form.useWatch('role', form) as string | undefined;
  const account = editing.mode === 'create' ? null : editing.account;

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    setBusy(true);
    setAlert([]);
    const department = v.role === 'DEPARTMENT_OFFICER' ? v.department : null;
    const result =
      editing.mode === 'create'
        ? await api.POST('/api/users', { body: { ...v, department } })
        : editing.mode === 'edit'
          ? await api.PATCH('/api/users/{id}', { params: { path: { id: editing.account.id } }, body: { displayName: v.displayName, email: v.email, role: v.role, jurisdictionCode: v.jurisdictionCode, department } })
          : await api.POST('/api/users/{id}/password', { params: { path: { id: editing.account.id } }, body: { password: v.password } });
    setBusy(false);
    if (result.error) setAlert(showIssues(form, result.error, fields));
    else onSaved(editing.mode === 'create' ? '已新建用户' : editing.mode === 'edit' ? '已保存' : '密码已重置，该用户的登录已全部失效');
  };

  const title = editing.mode === 'create' ? '新建用户' : editing.mode === 'edit' ? `修改用户 ${account?.username}` : `重置 ${account?.username} 的密码`;
  return (
    <Modal open title={title} okText="保存" cancelText="取消" confirmLoading={busy} onOk={() => void submit()} onCancel={onClose}>
      {alert.length > 0 && <Alert type="error" showIcon message={alert.join('；')} style={{ marginBottom: 12 }} role="alert" />}
      <Form form={form} layout="vertical" initialValues={account ? { ...account } : { role: 'VILLAGE_CASEWORKER' }}>
        {editing.mode === 'create' && (
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请填写用户名' }]}>
            <Input autoComplete="off" />
          </Form.Item>
        )}
        {editing.mode !== 'password' && (
          <>
            <Form.Item label="姓名" name="displayName" rules={[{ required: true, message: '请填写姓名' }]}>
              <Input />
            </Form.Item>
            <Form.Item label="邮箱" name="email" rules={[{ required: true, type: 'email', message: '邮箱格式不正确' }]}>
              <Input />
            </Form.Item>
            <Form.Item label="角色" name="role" rules={[{ required: true, message: '请选择角色' }]}>
              <Select options={options(roleLabels)} />
            </Form.Item>
            <Form.Item label="辖区代码（区6位、乡镇9位、村12位）" name="jurisdictionCode" rules={[{ required: true, message: '请填写辖区代码' }]}>
              <Input />
            </Form.Item>
            {role === 'DEPARTMENT_OFFICER' && (
              <Form.Item label="部门" name="department" rules={[{ required: true, message: '行业部门人员须选择部门' }]}>
                <Select options={options(departmentLabels)} />
              </Form.Item>
            )}
          </>
        )}
        {editing.mode !== 'edit' && (
          <Form.Item label={editing.mode === 'create' ? '初始密码（至少10个字符）' : '新密码（至少10个字符）'} name="password" rules={[{ required: true, min: 10, message: '密码至少10个字符' }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
