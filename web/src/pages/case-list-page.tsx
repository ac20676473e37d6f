import { Alert, Button, Card, Form, Select, Space, Table, Tag, Typography } from 'antd';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, type Schemas } from '../api/client';
import { useUser } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { options, stageLabels } from '../labels';
import { placeName, towns } from '../places';
import { formatDate } from '../time';
import { emptyText } from '../components/empty-text';
import { useApi } from '../use-api';

type Item = Schemas['MonitoringCaseList']['items'][number];
type Stage = Item['stage'];

/** The case list: filters and page live in the URL, so a filtered list can be bookmarked and Back works. */
export default function CaseListPage() {
  const user = useUser();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const stage = (params.get('stage') ?? undefined) as Stage | undefined;
  const townCode = params.get('townCode') ?? undefined;
  const overdue = (params.get('overdue') ?? undefined) as 'true' | 'false' | undefined;
  const page = Number(params.get('page') ?? 1);
  const { data, error, loading } = useApi(
    () => api.GET('/api/monitoring-cases', { params: { query: { stage, townCode, overdue, page, pageSize: 20 } } }),
    [stage, townCode, overdue, page],
  );
  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'page') next.delete('page');
    setParams(next);
  };
  const districtWide = user.jurisdictionCode.length === 6;

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20 }}>
          监测对象
        </Typography.Title>
        {can.reportCase(user.role) && (
          <Button type="primary" onClick={() => void navigate('/cases/new')}>
            新增监测对象
          </Button>
        )}
      </Space>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item label="环节">
            <Select aria-label="环节" allowClear placeholder="全部" style={{ width: 180 }} value={stage} options={options(stageLabels)} onChange={(v) => set('stage', v)} />
          </Form.Item>
          {districtWide && (
            <Form.Item label="乡镇（街道）">
              <Select aria-label="乡镇（街道）" allowClear showSearch optionFilterProp="label" placeholder="全部" style={{ width: 180 }} value={townCode} options={towns.map((t) => ({ value: t.code, label: t.name }))} onChange={(v) => set('townCode', v)} />
            </Form.Item>
          )}
          <Form.Item label="逾期">
            <Select
              aria-label="逾期"
              allowClear
              placeholder="全部"
              style={{ width: 120 }}
              value={overdue}
              options={[
                { value: 'true', label: '有逾期环节' },
                { value: 'false', label: '无逾期' },
              ]}
              onChange={(v) => set('overdue', v)}
            />
          </Form.Item>
        </Form>
      </Card>
      {error && <Alert type="error" showIcon message={error.text} />}
      <Table<Item>
        rowKey="id"
        locale={emptyText('没有符合条件的监测对象')}
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, showSizeChanger: false, showTotal: (t) => `共 ${t} 户`, onChange: (p) => set('page', String(p)) }}
        columns={[
          { title: '户主', dataIndex: 'headName', render: (name: string, row) => <Link to={`/cases/${row.id}`}>{name}</Link> },
          { title: '环节', dataIndex: 'stageLabel', render: (label: string, row) => <Space size={4}>{label}{row.overdue && <Tag color="#a8071a">逾期</Tag>}</Space> },
          { title: '所在地', dataIndex: 'villageCode', render: (code: string) => placeName(code) },
          { title: '发现日期', dataIndex: 'discoveredAt', render: (at: string) => formatDate(at) },
        ]}
      />
    </>
  );
}
