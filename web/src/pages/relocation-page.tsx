import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Radio, Result, Row, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Schemas } from '../api/client';
import type { operations } from '../api/schema';
import { useUser } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { emptyText } from '../components/empty-text';
import { CaseTimeline } from '../components/case-timeline';
import { CaseTasks } from '../components/task-list';
import { newIdempotencyKey, showIssues } from '../form-issues';
import { options, projectTypeLabels, riskTypeLabels } from '../labels';
import { formatDate, formatTime } from '../time';
import { useApi } from '../use-api';

type Relocation = operations['getRelocationCase']['responses'][200]['content']['application/json'];
type Employment = Relocation['employment'][number];
type Action = 'employment' | 'project' | 'visit' | 'endJob';

const titles: Record<Action, string> = { employment: '登记就业', project: '登记产业项目', visit: '记录后续扶持走访', endJob: '登记离职' };
const fieldsOf: Record<Action, string[][]> = {
  employment: [['memberName'], ['employer'], ['industry'], ['monthlyPay'], ['startDate'], ['endDate']],
  project: [['name'], ['type'], ['startDate'], ['expectedYearlyIncome']],
  visit: [['atRisk'], ['riskTypes'], ['perCapitaIncome'], ['note']],
  endJob: [['endDate']],
};

function TargetTag({ label, target }: { label: string; target: { required: boolean; met: boolean } }) {
  if (!target.required) return <Tag>{label}：不要求</Tag>;
  return target.met ? <Tag color="#237804">{label}：已达标</Tag> : <Tag color="#a8071a">{label}：未达标</Tag>;
}

/** 易地搬迁后续扶持 case: the household (masked), site, targets, ledgers, visits, open tasks, timeline; ledger and visit dialogs. */
export default function RelocationPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const { message } = App.useApp();
  const caseView = useApi(() => api.GET('/api/relocations/{id}', { params: { path: { id } } }), [id]);
  const myTasks = useApi(() => api.GET('/api/tasks', { params: { query: { caseId: id, pageSize: 50 } } }), [id]);
  const [override, setOverride] = useState<Relocation | null>(null);
  const [open, setOpen] = useState<{ action: Action; entry?: Employment } | null>(null);
  const view = override?.id === id ? override : caseView.data;

  if (caseView.error) {
    return caseView.error.status === 404 ? (
      <Result status="404" title="搬迁户案件不存在或不在您的辖区内" subTitle={caseView.error.text} extra={<Link to="/relocations">返回搬迁户列表</Link>} />
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
  const active = view.stage !== 'CLOSED';
  const mayEmployment = active && can.relocationEmployment(user.role);
  const mayLedgers = active && can.relocationLedgers(user.role);
  const h = view.household;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap align="center">
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {h.headName}户（易地搬迁）
        </Typography.Title>
        <Tag color={view.stage === 'CLOSED' ? '#595959' : '#0958d9'}>{view.stageLabel}</Tag>
        {view.atRisk && <Tag color="#a8071a">有返贫风险</Tag>}
        {view.overdue && <Tag color="#a8071a">逾期</Tag>}
      </Space>
      <Space wrap>
        {mayEmployment && <Button onClick={() => setOpen({ action: 'employment' })}>登记就业</Button>}
        {mayLedgers && <Button onClick={() => setOpen({ action: 'project' })}>登记产业项目</Button>}
        {mayLedgers && <Button onClick={() => setOpen({ action: 'visit' })}>记录走访</Button>}
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title="户信息" size="small">
            <Descriptions column={{ xs: 1, sm: 2 }} size="small">
              <Descriptions.Item label="户主">{h.headName}</Descriptions.Item>
              <Descriptions.Item label="身份证号">{h.idNumber}</Descriptions.Item>
              <Descriptions.Item label="联系电话">{h.phone ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="家庭人口">{h.memberCount}人</Descriptions.Item>
              <Descriptions.Item label="劳动能力">{h.laborCapacityLabel}</Descriptions.Item>
              <Descriptions.Item label="原居住地">
                {view.townName ?? view.townCode} {view.villageName ?? view.villageCode}
              </Descriptions.Item>
              <Descriptions.Item label="安置点">
                {view.site.name}（{view.site.kindLabel}）
              </Descriptions.Item>
              <Descriptions.Item label="搬迁日期">{view.relocatedAt}</Descriptions.Item>
              <Descriptions.Item label="登记时间">{formatTime(view.openedAt)}</Descriptions.Item>
              {view.monitoringCaseId && (
                <Descriptions.Item label="防返贫监测">
                  <Link to={`/cases/${view.monitoringCaseId}`}>查看监测案件</Link>
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title="帮扶目标" size="small">
            <Space direction="vertical" style={{ width: '100%' }}>
              <Space wrap>
                <TargetTag label="就业" target={view.targets.employment} />
                <TargetTag label="产业" target={view.targets.project} />
              </Space>
              {view.targets.safetyNetOnly && <Typography.Text>无劳动力家庭：以兜底保障为主</Typography.Text>}
              {view.targets.note && <Typography.Text type="secondary">{view.targets.note}</Typography.Text>}
              <Typography.Text type="secondary">
                判断日期：{view.targets.asOf}
                {view.targets.metSince ? `；自 ${view.targets.metSince} 起达标` : ''}
              </Typography.Text>
            </Space>
          </Card>
        </Col>
      </Row>
      <Card title="就业台账" size="small">
        <Table<Employment>
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={view.employment}
          locale={emptyText('尚无就业记录')}
          columns={[
            { title: '就业成员', dataIndex: 'memberName' },
            { title: '用工单位', dataIndex: 'employer' },
            { title: '行业', dataIndex: 'industry' },
            { title: '月工资（元）', dataIndex: 'monthlyPay' },
            { title: '开始', dataIndex: 'startDate' },
            { title: '结束', dataIndex: 'endDate', render: (d: string | null) => d ?? '—' },
            { title: '状态', dataIndex: 'current', render: (c: boolean) => (c ? <Tag color="#237804">在岗</Tag> : <Tag>已离职</Tag>) },
            ...(mayEmployment
              ? [{ title: '操作', key: 'end', render: (_: unknown, row: Employment) => !row.endDate && <Button size="small" onClick={() => setOpen({ action: 'endJob', entry: row })}>登记离职</Button> }]
              : []),
          ]}
        />
      </Card>
      <Card title="产业项目台账" size="small">
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={view.projects}
          locale={emptyText('尚无产业项目')}
          columns={[
            { title: '项目', dataIndex: 'name' },
            { title: '类型', dataIndex: 'typeLabel' },
            { title: '开始', dataIndex: 'startDate' },
            { title: '预计年收益（元）', dataIndex: 'expectedYearlyIncome', render: (v: number | null) => v ?? '—' },
          ]}
        />
      </Card>
      {view.visits.length > 0 && (
        <Card title="走访记录" size="small">
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={view.visits}
            columns={[
              { title: '走访时间', dataIndex: 'at', render: (at: string) => formatDate(at) },
              { title: '返贫风险', dataIndex: 'atRisk', render: (v: boolean) => (v ? '有' : '无') },
              { title: '风险类型', dataIndex: 'riskTypes', render: (r: { label: string }[]) => r.map((x) => x.label).join('、') || '—' },
              { title: '人均纯收入（元/年）', dataIndex: 'perCapitaIncome' },
              { title: '转入监测', dataIndex: 'monitoringCaseId', render: (m: string | null) => (m ? <Link to={`/cases/${m}`}>查看监测案件</Link> : '—') },
            ]}
          />
        </Card>
      )}
      <CaseTasks mine={myTasks.data?.items ?? []} open={view.openTasks as Schemas['Task'][]} onChanged={reload} emptyText="本案没有待您办理的事项" />
      <CaseTimeline lines={view.timeline.map((e) => ({ ...e, title: e.stepLabel ? `${e.stepLabel}·${e.label}` : e.label }))} />
      {open && (
        <LedgerDialog
          action={open.action}
          entry={open.entry}
          caseId={view.id}
          onClose={() => setOpen(null)}
          onDone={(c) => {
            setOpen(null);
            void message.success('已登记');
            setOverride(c);
            myTasks.reload();
          }}
        />
      )}
    </Space>
  );
}

function LedgerDialog({ action, entry, caseId, onClose, onDone }: { action: Action; entry?: Employment; caseId: string; onClose: () => void; onDone: (c: Relocation) => void }) {
  const [form] = Form.useForm();
  const [key] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string[]>([]);
  const atRisk = Form.useWatch('atRisk', form) as boolean | undefined;
  const path = { id: caseId };
  const header = { 'idempotency-key': key };
  const day = (d?: { format(f: string): string } | null) => d?.format('YYYY-MM-DD');

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setBusy(true);
    setAlert([]);
    let result: { data?: { case: unknown }; error?: unknown };
    switch (action) {
      case 'employment':
        result = await api.POST('/api/relocations/{id}/employment', {
          params: { path, header },
          body: { memberName: values.memberName ?? '', employer: values.employer ?? '', industry: values.industry ?? '', monthlyPay: values.monthlyPay, startDate: day(values.startDate) ?? '', endDate: day(values.endDate) },
        });
        break;
      case 'endJob':
        result = await api.PATCH('/api/relocations/{id}/employment/{entryId}', { params: { path: { id: caseId, entryId: entry?.id ?? '' }, header }, body: { endDate: day(values.endDate) ?? '' } });
        break;
      case 'project':
        result = await api.POST('/api/relocations/{id}/projects', {
          params: { path, header },
          body: { name: values.name ?? '', type: values.type, startDate: day(values.startDate) ?? '', expectedYearlyIncome: values.expectedYearlyIncome ?? undefined },
        });
        break;
      case 'visit':
        result = await api.POST('/api/relocations/{id}/visits', {
          params: { path, header },
          body: { atRisk: values.atRisk, riskTypes: values.atRisk ? values.riskTypes : undefined, perCapitaIncome: values.perCapitaIncome, note: values.note || undefined },
        });
        break;
    }
    setBusy(false);
    if (result.data) onDone(result.data.case as Relocation);
    else setAlert(showIssues(form, result.error, fieldsOf[action]));
  };

  const required = (message: string) => [{ required: true, message }];
  return (
    <Modal open title={action === 'endJob' ? `${titles.endJob}：${entry?.memberName ?? ''}` : titles[action]} okText="提交" cancelText="取消" confirmLoading={busy} onOk={() => void submit()} onCancel={onClose}>
      {alert.length > 0 && <Alert type="error" showIcon message={alert.join('；')} style={{ marginBottom: 12 }} role="alert" />}
      <Form form={form} layout="vertical" initialValues={action === 'visit' ? { atRisk: false } : {}}>
        {action === 'employment' && (
          <>
            <Form.Item label="就业成员" name="memberName" rules={required('请填写就业成员姓名')}>
              <Input maxLength={50} />
            </Form.Item>
            <Form.Item label="用工单位" name="employer" rules={required('请填写用工单位')}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item label="行业" name="industry" rules={required('请填写行业')}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item label="月工资（元）" name="monthlyPay" rules={required('请填写月工资')}>
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item label="开始日期" name="startDate" rules={required('请选择开始日期')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item label="结束日期" name="endDate">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
        {action === 'endJob' && (
          <Form.Item label="离职日期（不再在岗的第一天）" name="endDate" rules={required('请选择离职日期')}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        )}
        {action === 'project' && (
          <>
            <Form.Item label="项目名称" name="name" rules={required('请填写项目名称')}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item label="项目类型" name="type" rules={required('请选择项目类型')}>
              <Select options={options(projectTypeLabels)} placeholder="请选择" />
            </Form.Item>
            <Form.Item label="开始日期" name="startDate" rules={required('请选择开始日期')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item label="预计年收益（元）" name="expectedYearlyIncome">
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
          </>
        )}
        {action === 'visit' && (
          <>
            <Form.Item label="是否存在返贫风险" name="atRisk">
              <Radio.Group options={[{ value: true, label: '是' }, { value: false, label: '否' }]} />
            </Form.Item>
            {atRisk && (
              <Form.Item label="风险类型" name="riskTypes" rules={required('请选择风险类型')}>
                <Select mode="multiple" options={options(riskTypeLabels)} placeholder="可多选" />
              </Form.Item>
            )}
            <Form.Item label="人均纯收入（元/年）" name="perCapitaIncome" rules={required('请填写人均纯收入')}>
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item label="走访记录" name="note">
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
