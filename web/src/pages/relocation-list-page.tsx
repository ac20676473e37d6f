import { Alert, Card, Form, Select, Space, Table, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { useUser } from '../auth/auth-context';
import { emptyText } from '../components/empty-text';
import { placeName, towns } from '../places';
import { useApi } from '../use-api';

/** 易地搬迁后续扶持: the relocated households in the user's area; filters and page in the URL. */
export default function RelocationListPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const siteCode = params.get('siteCode') ?? undefined;
  const townCode = params.get('townCode') ?? undefined;
  const atRisk = (params.get('atRisk') ?? undefined) as 'true' | 'false' | undefined;
  const page = Number(params.get('page') ?? 1);
  const { data, error, loading } = useApi(
    () => api.GET('/api/relocations', { params: { query: { siteCode, townCode, atRisk, page, pageSize: 20 } } }),
    [siteCode, townCode, atRisk, page],
  );
  const sites = useApi(() => api.GET('/api/relocation-sites', {}), []);
  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'page') next.delete('page');
    setParams(next);
  };
  const districtWide = user.jurisdictionCode.length === 6;
  type Item = NonNullable<typeof data>['items'][number];
  const siteItems = sites.data?.items ?? [];

  return (
    <>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        易地搬迁后续扶持
      </Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item label="安置点">
            <Select aria-label="安置点" allowClear showSearch optionFilterProp="label" placeholder="全部" style={{ width: 200 }} value={siteCode} options={siteItems.map((s) => ({ value: s.code, label: s.name }))} onChange={(v) => set('siteCode', v)} />
          </Form.Item>
          {districtWide && (
            <Form.Item label="乡镇（街道）">
              <Select aria-label="乡镇（街道）" allowClear showSearch optionFilterProp="label" placeholder="全部" style={{ width: 180 }} value={townCode} options={towns.map((t) => ({ value: t.code, label: t.name }))} onChange={(v) => set('townCode', v)} />
            </Form.Item>
          )}
          <Form.Item label="返贫风险">
            <Select
              aria-label="返贫风险"
              allowClear
              placeholder="全部"
              style={{ width: 140 }}
              value={atRisk}
              options={[
                { value: 'true', label: '有风险' },
                { value: 'false', label: '无风险' },
              ]}
              onChange={(v) => set('atRisk', v)}
            />
          </Form.Item>
        </Form>
      </Card>
      {error && <Alert type="error" showIcon message={error.text} />}
      <Table<Item>
        rowKey="id"
        locale={emptyText('没有符合条件的搬迁户')}
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, showSizeChanger: false, showTotal: (t) => `共 ${t} 户`, onChange: (p) => set('page', String(p)) }}
        columns={[
          { title: '户主', dataIndex: 'headName', render: (name: string, row) => <Link to={`/relocations/${row.id}`}>{name}</Link> },
          { title: '环节', dataIndex: 'stageLabel', render: (label: string, row) => <Space size={4}>{label}{row.atRisk && <Tag color="#a8071a">有风险</Tag>}</Space> },
          { title: '安置点', dataIndex: 'siteName' },
          { title: '原居住地', dataIndex: 'villageCode', render: (code: string) => placeName(code) },
          { title: '搬迁日期', dataIndex: 'relocatedAt' },
        ]}
      />
    </>
  );
}
