import { Alert, Button, Card, DatePicker, Form, Input, Select, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, errorText, type Schemas } from '../api/client';
import { roleLabels } from '../labels';
import { formatTime } from '../time';
import { emptyText } from '../components/empty-text';
import { useApi } from '../use-api';

type Entry = Schemas['AuditEntries']['items'][number];
type Query = { action?: 'auth.login'; actorId?: string; targetId?: string; from?: string; to?: string };

const actionLabels: Record<string, string> = {
  'auth.login': '登录',
  'auth.login_failed': '登录失败',
  'auth.logout': '退出登录',
  'auth.refresh_reuse': '刷新令牌重复使用',
  'case.start': '登记监测对象',
  'case.objection': '登记公示异议',
  'case.visit': '走访',
  'case.measures': '安排帮扶措施',
  'case.exit_proposal': '申请风险消除',
  'case.rollback': '回退',
  'case.policy_change': '调整案件适用政策',
  'case.view_personal_data': '查看完整信息',
  'task.decide': '办理任务',
  'task.claim': '认领任务',
  'policy.change': '政策设置',
  'import.run': '部门数据导入',
  'export.run': '报表导出',
  'user.create': '新建用户',
  'user.change': '修改用户',
  'user.password_reset': '重置密码',
};

/** 审计日志: filters, pages, and the hash chain's check. */
export default function AuditPage() {
  const [query, setQuery] = useState<Query>({});
  const [page, setPage] = useState(1);
  const [verification, setVerification] = useState<{ text: string; ok: boolean } | null>(null);
  const { data, error, loading } = useApi(() => api.GET('/api/audit', { params: { query: { ...query, page, pageSize: 20 } } }), [query, page]);

  const verify = async () => {
    const { data: result, error: failure } = await api.GET('/api/audit/verify');
    if (!result) setVerification({ text: errorText(failure), ok: false });
    else if (result.valid) setVerification({ text: `哈希链完整：已校验 ${result.checked} 条记录，未发现篡改`, ok: true });
    else setVerification({ text: `哈希链校验未通过：第 ${result.firstBrokenId} 号记录起被修改、删除或顺序被打乱（已校验 ${result.checked} 条）`, ok: false });
  };

  const search = (v: { action?: string; actorId?: string; targetId?: string; range?: [Dayjs | null, Dayjs | null] | null }) => {
    setPage(1);
    setQuery({
      action: (v.action || undefined) as Query['action'],
      actorId: v.actorId?.trim() || undefined,
      targetId: v.targetId?.trim() || undefined,
      from: v.range?.[0]?.startOf('day').format('YYYY-MM-DDTHH:mm:ssZ'),
      to: v.range?.[1]?.endOf('day').format('YYYY-MM-DDTHH:mm:ssZ'),
    });
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          审计日志
        </Typography.Title>
        <Button onClick={() => void verify()}>校验哈希链</Button>
      </Space>
      {verification && <Alert type={verification.ok ? 'success' : 'error'} showIcon message={verification.text} role="status" />}
      <Card size="small">
        <Form layout="inline" onFinish={search} style={{ rowGap: 8 }}>
          <Form.Item label="操作" name="action">
            <Select aria-label="操作" allowClear placeholder="全部" style={{ width: 180 }} options={Object.entries(actionLabels).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Form.Item label="操作人 ID" name="actorId">
            <Input style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label="对象 ID" name="targetId">
            <Input style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label="日期" name="range">
            <DatePicker.RangePicker />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Form>
      </Card>
      {error && <Alert type="error" showIcon message={error.text} />}
      <Table<Entry>
        size="small"
        rowKey="id"
        locale={emptyText('没有符合条件的记录')}
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, showSizeChanger: false, onChange: setPage, showTotal: (t) => `共 ${t} 条` }}
        columns={[
          { title: '编号', dataIndex: 'id' },
          { title: '时间', dataIndex: 'at', render: (at: string) => formatTime(at) },
          { title: '操作', dataIndex: 'action', render: (a: string) => actionLabels[a] ?? a },
          { title: '操作人', dataIndex: 'actor', render: (a: string | null, row) => (a ? `${a}（${roleLabels[row.actorRole as keyof typeof roleLabels] ?? row.actorRole}）` : '—') },
          { title: '对象', render: (_v, row) => (row.targetId ? `${row.targetType ?? ''} ${row.targetId}` : '—') },
          { title: '地址', dataIndex: 'clientAddress', render: (a: string | null) => a ?? '—' },
        ]}
      />
    </Space>
  );
}
