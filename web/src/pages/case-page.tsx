import { Alert, App, Button, Card, Col, Descriptions, Empty, Modal, Result, Row, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, errorText, type Schemas } from '../api/client';
import { useUser } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { CaseActions } from '../components/case-actions';
import { CaseTimeline } from '../components/case-timeline';
import { CaseTasks } from '../components/task-list';
import { formatDate, formatTime, timeLeft } from '../time';
import { useApi } from '../use-api';
import { emptyText } from '../components/empty-text';

type Case = Schemas['MonitoringCase'];
type PersonalData = { headName: string; idNumber: string; phone: string | null };


export default function CasePage() {
  const { id = '' } = useParams();
  const user = useUser();
  const { message } = App.useApp();
  const caseView = useApi(() => api.GET('/api/monitoring-cases/{id}', { params: { path: { id } } }), [id]);
  const myTasks = useApi(() => api.GET('/api/tasks', { params: { query: { caseId: id, pageSize: 50 } } }), [id]);
  const [override, setOverride] = useState<Case | null>(null);
  const [personal, setPersonal] = useState<PersonalData | null>(null);
  const view = override?.id === id ? override : caseView.data;

  if (caseView.error) {
    return caseView.error.status === 404 ? (
      <Result status="404" title="案件不存在或不在您的辖区内" subTitle={caseView.error.text} extra={<Link to="/">返回我的待办</Link>} />
    ) : (
      <Alert type="error" showIcon message={caseView.error.text} />
    );
  }
  if (!view) return <Card loading />;

  const reload = () => {
    setOverride(null);
    caseView.reload();
    myTasks.reload();
  };

  const showPersonal = () =>
    Modal.confirm({
      title: '查看完整信息',
      content: '完整身份证号和联系电话仅用于本案办理。本次查看将被记录（记录查看），写入审计日志。',
      okText: '确认查看',
      cancelText: '取消',
      onOk: async () => {
        const { data, error } = await api.GET('/api/monitoring-cases/{id}/personal-data', { params: { path: { id } } });
        if (data) setPersonal(data);
        else void message.error(errorText(error));
      },
    });

  const h = view.household;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap align="center">
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {h.headName}户
        </Typography.Title>
        <Tag color={view.stage === 'NOT_INCLUDED' ? '#595959' : view.stage === 'MONITORED' ? '#237804' : '#0958d9'}>{view.stageLabel}</Tag>
        {view.overdue && <Tag color="#a8071a">逾期</Tag>}
        <Typography.Text type="secondary">
          {view.townName ?? view.townCode} {view.villageName ?? view.villageCode}
        </Typography.Text>
      </Space>
      <CaseActions
        view={view}
        onDone={(c) => {
          void message.success('已提交');
          setOverride(c);
          myTasks.reload();
        }}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title="户信息" size="small" extra={can.personalData(user.role) && !personal && <Button size="small" onClick={showPersonal}>查看完整信息</Button>}>
            <Descriptions column={{ xs: 1, sm: 2 }} size="small">
              <Descriptions.Item label="户主">{h.headName}</Descriptions.Item>
              <Descriptions.Item label="身份证号">{personal?.idNumber ?? h.idNumber}</Descriptions.Item>
              <Descriptions.Item label="联系电话">{(personal ? personal.phone : h.phone) ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="家庭人口">{h.memberCount}人</Descriptions.Item>
              <Descriptions.Item label="劳动能力">{h.laborCapacityLabel}</Descriptions.Item>
              <Descriptions.Item label="人均纯收入">{h.perCapitaIncome} 元/年</Descriptions.Item>
              <Descriptions.Item label="监测类别">{view.categoryLabel}</Descriptions.Item>
              <Descriptions.Item label="发现渠道">{view.channelLabel}</Descriptions.Item>
              <Descriptions.Item label="风险类型">{view.riskTypes.map((r) => r.label).join('、')}</Descriptions.Item>
              <Descriptions.Item label="发现时间">{formatTime(view.discoveredAt)}</Descriptions.Item>
              <Descriptions.Item label="政策版本">第{view.policyVersion}版</Descriptions.Item>
            </Descriptions>
            {personal && <Alert type="info" showIcon message="完整信息的本次查看已记录" />}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title="时限" size="small">
            {view.clocks.length === 0 ? (
              <Empty description="无进行中的时限" />
            ) : (
              <Space direction="vertical" style={{ width: '100%' }}>
                {view.clocks.map((c) => (
                  <div key={`${c.name}:${c.endsAt}`}>
                    <Typography.Text strong>{c.name}</Typography.Text>：{formatTime(c.endsAt)}{' '}
                    <Typography.Text type={c.overdue ? 'danger' : 'secondary'}>（{timeLeft(c.endsAt)}）</Typography.Text>
                  </div>
                ))}
              </Space>
            )}
            {view.exitReadiness && (
              <div style={{ marginTop: 12 }}>
                <Typography.Text strong>风险消除条件：</Typography.Text>
                {view.exitReadiness.canPropose ? (
                  <Typography.Text type="success">已具备，可以申请风险消除</Typography.Text>
                ) : (
                  <ul style={{ margin: '4px 0 0', paddingInlineStart: 20 }}>
                    {view.exitReadiness.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
              </div>
            )}
          </Card>
        </Col>
      </Row>
      <CaseTasks mine={myTasks.data?.items ?? []} open={view.openTasks} onChanged={reload} emptyText="本案没有待您办理的事项" />
      {view.alerts.length > 0 && (
        <Card title="部门筛查预警" size="small">
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={view.alerts}
            columns={[
              { title: '部门', dataIndex: 'departmentLabel' },
              { title: '预警事由', dataIndex: 'trigger' },
              { title: '金额（元）', dataIndex: 'amount' },
              { title: '日期', dataIndex: 'date' },
            ]}
          />
        </Card>
      )}
      {(view.measures.length > 0 || view.stage === 'MONITORED') && (
        <Card title="帮扶措施" size="small">
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={view.measures}
            locale={emptyText('尚未安排帮扶措施')}
            columns={[
              { title: '措施', dataIndex: 'label' },
              { title: '开始', dataIndex: 'startDate' },
              { title: '结束', dataIndex: 'endDate', render: (d: string | null) => d ?? '—' },
              { title: '月金额（元）', dataIndex: 'monthlyAmount', render: (a: number | null) => a ?? '—' },
              { title: '状态', dataIndex: 'statusLabel' },
            ]}
          />
        </Card>
      )}
      {view.visits.length > 0 && (
        <Card title="走访记录" size="small">
          <Table
            size="small"
            rowKey="at"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={view.visits}
            columns={[
              { title: '走访时间', dataIndex: 'at', render: (at: string) => formatDate(at) },
              { title: '人均纯收入（元/年）', dataIndex: 'perCapitaIncome' },
              { title: '刚性支出困难', dataIndex: 'unresolvedSpending', render: (v: boolean) => (v ? '仍有' : '无') },
              { title: '三保障', dataIndex: 'guaranteesSecure', render: (v: boolean) => (v ? '有保障' : '无保障') },
            ]}
          />
        </Card>
      )}
      <CaseTimeline lines={view.timeline.map((e) => ({ ...e, title: e.stepLabel ? `${e.stepLabel}·${e.label}` : e.label }))} />
    </Space>
  );
}
