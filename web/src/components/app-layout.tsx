import { Button, Grid, Layout, Menu, Space, Typography } from 'antd';
import { Suspense } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { roleLabels } from '../../../src/domain/roles';
import { pageLoading } from './page-loading';
import { useAuth, useUser } from '../auth/auth-context';
import { can } from '../auth/permissions';

const navigation = [
  { key: '/', label: '我的待办', allowed: can.inbox },
  { key: '/cases', label: '监测对象', allowed: can.listCases },
  { key: '/cases/new', label: '新增监测对象', allowed: can.reportCase },
  { key: '/imports', label: '部门数据导入', allowed: can.importAlerts },
  { key: '/reports', label: '统计报表', allowed: can.reports },
  { key: '/policy', label: '政策设置', allowed: can.policy },
  { key: '/audit', label: '审计日志', allowed: can.audit },
  { key: '/users', label: '用户管理', allowed: can.users },
];

/** The frame of every signed-in page: the menu the role may use, the user, logout. On a phone the menu folds away. */
export default function AppLayout() {
  const user = useUser();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const items = navigation.filter((n) => n.allowed(user.role)).map(({ key, label }) => ({ key, label }));
  const selected = items.map((i) => i.key).filter((k) => k === location.pathname || (k !== '/' && location.pathname.startsWith(k + '/') && !items.some((o) => o.key === location.pathname)));
  const menu = (
    <Menu
      mode={screens.md ? 'inline' : 'horizontal'}
      selectedKeys={selected.length ? selected.slice(-1) : []}
      items={items}
      onClick={({ key }) => void navigate(key)}
      style={screens.md ? { height: '100%', borderInlineEnd: 0 } : { minWidth: 0, flex: 1 }}
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ background: '#fff', padding: '0 16px', display: 'flex', alignItems: 'center', gap: 12, borderBottom: '1px solid #f0f0f0', height: 'auto', lineHeight: '56px', flexWrap: 'wrap' }}>
        <Typography.Text strong style={{ fontSize: 16, whiteSpace: 'nowrap' }}>
          防止返贫动态监测
        </Typography.Text>
        <div style={{ flex: 1 }} />
        <Space size="small" wrap>
          <Typography.Text>
            {user.displayName}（{roleLabels[user.role]}）
          </Typography.Text>
          <Button
            size="small"
            onClick={() => {
              void logout().then(() => navigate('/login'));
            }}
          >
            退出
          </Button>
        </Space>
      </Layout.Header>
      {!screens.md && <nav aria-label="主菜单" style={{ background: '#fff', display: 'flex' }}>{menu}</nav>}
      <Layout>
        {screens.md && (
          <Layout.Sider width={180} style={{ background: '#fff' }}>
            <nav aria-label="主菜单" style={{ height: '100%' }}>
              {menu}
            </nav>
          </Layout.Sider>
        )}
        <Layout.Content style={{ padding: screens.md ? 24 : 8, minWidth: 0 }}>
          <main>
            <Suspense fallback={pageLoading}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
