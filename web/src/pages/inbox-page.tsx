import { Alert, Card, Pagination, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../api/client';
import { useUser } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { TaskList } from '../components/task-list';
import { useApi } from '../use-api';

const pageSize = 20;

export default function InboxPage() {
  const user = useUser();
  const [page, setPage] = useState(1);
  const { data, error, loading, reload } = useApi(() => api.GET('/api/tasks', { params: { query: { page, pageSize } } }), [page]);
  const supervises = user.role === 'TOWN_REVIEWER' || user.role === 'DISTRICT_APPROVER';

  return (
    <>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        我的待办
      </Typography.Title>
      {error && <Alert type="error" showIcon message={error.text} />}
      <Card title={`待我办理（${data?.total ?? 0}）`} loading={loading && !data} size="small">
        <TaskList tasks={data?.items ?? []} actionable caseLinks={can.listCases(user.role)} onChanged={reload} />
      </Card>
      {supervises && (
        <Card title={`逾期上报督办（${data?.escalatedTotal ?? 0}）`} size="small" style={{ marginTop: 16 }}>
          <TaskList tasks={data?.escalated ?? []} actionable={false} caseLinks onChanged={reload} emptyText="暂无上报到本级的逾期事项" />
        </Card>
      )}
      {data && Math.max(data.total, data.escalatedTotal) > pageSize && (
        <Pagination style={{ marginTop: 16 }} current={page} pageSize={pageSize} total={Math.max(data.total, data.escalatedTotal)} onChange={setPage} showSizeChanger={false} />
      )}
    </>
  );
}
