import { Alert, App, Button, Card, Col, Empty, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { api, downloadWithToken, errorText, type Schemas } from '../api/client';
import { useUser } from '../auth/auth-context';
import { ShareBarChart } from '../components/bar-chart';
import { towns } from '../places';
import { formatTime } from '../time';
import { useApi } from '../use-api';
import { emptyText } from '../components/empty-text';

function CountTable<T extends { count: number }>({ title, rows, name }: { title: string; rows: T[]; name: (r: T) => string }) {
  return (
    <Card title={title} size="small">
      <Table size="small" pagination={false} rowKey={(r) => name(r)} dataSource={rows.filter((r) => r.count > 0)} locale={emptyText('无')} columns={[{ title: '项目', render: (_v, r) => name(r) }, { title: '户数', dataIndex: 'count', width: 80 }]} />
    </Card>
  );
}

/** 统计报表: counts, the dynamic-clearing share per town as a chart, the median identification time; CSV and XLSX. */
export default function ReportPage() {
  const user = useUser();
  const { message } = App.useApp();
  const [townCode, setTownCode] = useState<string | undefined>();
  const report = useApi(() => api.GET('/api/reports/monitoring', { params: { query: { format: 'json', townCode } } }), [townCode]);
  // format=json: the JSON report (the operation's other media types are the CSV and XLSX downloads).
  const data = report.data as Schemas['MonitoringReport'] | undefined;
  const { error, loading } = report;
  const clearing = useMemo(
    () => (data?.dynamicClearing.byTown ?? []).filter((t) => t.monitored > 0).map((t) => ({ name: t.townName, share: 1 - (t.unclearedShare ?? 0) })),
    [data],
  );
  const download = (format: 'csv' | 'xlsx') =>
    downloadWithToken(`/api/reports/monitoring?format=${format}${townCode ? `&townCode=${townCode}` : ''}`, `防止返贫动态监测报表.${format}`).catch((e: unknown) => void message.error(errorText(e)));

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          统计报表
        </Typography.Title>
        <Space wrap>
          {user.jurisdictionCode.length === 6 && (
            <Select aria-label="乡镇（街道）" allowClear showSearch optionFilterProp="label" placeholder="全区" style={{ width: 160 }} value={townCode} onChange={setTownCode} options={towns.map((t) => ({ value: t.code, label: t.name }))} />
          )}
          <Button onClick={() => void download('csv')}>下载 CSV</Button>
          <Button onClick={() => void download('xlsx')}>下载 Excel</Button>
        </Space>
      </Space>
      {error && <Alert type="error" showIcon message={error.text} />}
      {loading && !data && <Card loading />}
      {data && (
        <>
          <Typography.Text type="secondary">
            范围：{data.scope.name}，生成时间 {formatTime(data.generatedAt)}
          </Typography.Text>
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}><Card size="small"><Statistic title="案件总数" value={data.totals.cases} /></Card></Col>
            <Col xs={12} md={6}><Card size="small"><Statistic title="监测户数" value={data.totals.monitored} /></Card></Col>
            <Col xs={12} md={6}><Card size="small"><Statistic title="逾期环节" value={data.totals.overdueTasks} /></Card></Col>
            <Col xs={12} md={6}><Card size="small"><Statistic title="识别认定天数中位数" value={data.identification.medianDays ?? '—'} suffix={data.identification.medianDays === null ? undefined : '天'} /></Card></Col>
          </Row>
          <Card title="动态清零：各乡镇（街道）已清零户占比" size="small">
            {clearing.length ? <ShareBarChart title="各乡镇（街道）动态清零占比" rows={clearing} /> : <Empty description="暂无监测户" />}
            <Typography.Text type="secondary">
              {data.scope.name}未清零 {data.dynamicClearing.overall.uncleared} 户 / 监测 {data.dynamicClearing.overall.monitored} 户（有风险无措施 {data.dynamicClearing.overall.riskWithoutMeasure} 户，有逾期环节 {data.dynamicClearing.overall.withOverdueStep} 户）
            </Typography.Text>
          </Card>
          <Row gutter={[16, 16]}>
            <Col xs={24} md={12}><CountTable title="按环节" rows={data.byStage} name={(r) => r.stageLabel} /></Col>
            <Col xs={24} md={12}><CountTable title="按乡镇（街道）" rows={data.byTown} name={(r) => r.townName} /></Col>
            <Col xs={24} md={12}><CountTable title="按监测类别" rows={data.byCategory} name={(r) => r.categoryLabel} /></Col>
            <Col xs={24} md={12}><CountTable title="按风险类型" rows={data.byRiskType} name={(r) => r.riskTypeLabel} /></Col>
            <Col xs={24} md={12}><CountTable title="逾期环节" rows={data.overdueSteps.byStep} name={(r) => r.stepLabel} /></Col>
          </Row>
        </>
      )}
    </Space>
  );
}
