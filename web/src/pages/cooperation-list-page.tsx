import { Alert, Table, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { api, type Schemas } from '../api/client';
import { emptyText } from '../components/empty-text';
import { useApi } from '../use-api';

type Item = Schemas['CooperationPlanList']['items'][number];

/** 协作帮扶: the yearly plans with each partner. */
export default function CooperationListPage() {
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('page') ?? 1);
  const { data, error, loading } = useApi(() => api.GET('/api/cooperation/plans', { params: { query: { page, pageSize: 20 } } }), [page]);
  return (
    <>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        协作帮扶计划
      </Typography.Title>
      {error && <Alert type="error" showIcon message={error.text} style={{ marginBottom: 12 }} />}
      <Table<Item>
        rowKey="id"
        locale={emptyText('暂无协作帮扶计划')}
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, showSizeChanger: false, showTotal: (t) => `共 ${t} 个计划`, onChange: (p) => setParams({ page: String(p) }) }}
        columns={[
          { title: '计划', dataIndex: 'id', render: (id: string, row) => <Link to={`/cooperation/${id}`}>{`${row.year}年 ${row.partner.name}`}</Link> },
          { title: '计划编号', dataIndex: 'id' },
          { title: '环节', dataIndex: 'stageLabel', render: (label: string) => <Tag>{label}</Tag> },
          { title: '签订日期', dataIndex: 'agreedAt' },
          { title: '任务数', dataIndex: 'taskCount' },
        ]}
      />
    </>
  );
}
