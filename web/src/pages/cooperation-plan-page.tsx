import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Progress, Result, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Schemas } from '../api/client';
import { useUser } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { emptyText } from '../components/empty-text';
import { CaseTimeline } from '../components/case-timeline';
import { CaseTasks } from '../components/task-list';
import { newIdempotencyKey, showIssues } from '../form-issues';
import { formatTime } from '../time';
import { useApi } from '../use-api';

type Plan = Schemas['CooperationPlan'];
type Indicator = Plan['indicators'][number];
type PlanTask = Plan['tasks'][number];
type Report = PlanTask['reports'][number];

/** The plan timeline's kinds (the API sends codes; steps bring their own labels). */
const timelineKindLabels: Record<string, string> = {
  PLAN_CREATED: '计划创建',
  PLAN_AMENDED: '计划调整',
  PLAN_STAGE: '计划环节变更',
  TASK_STARTED: '任务启动',
  TASK_DROPPED: '任务取消',
  TASK_REASSIGNED: '任务调整责任单位',
  REPORT_OWED: '季度报告待报送',
  REPORT_SUBMITTED: '季度报告已报送',
  ACCEPTED: '季度报告已采纳',
  SELF_ASSESSED: '任务自评',
  YEAR_END_OPENED: '进入年终验收',
};

const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

/** A cooperation plan's dashboard: each indicator's target, actual and share; tasks with their reports; open tasks; timeline. */
export default function CooperationPlanPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const { message } = App.useApp();
  const planView = useApi(() => api.GET('/api/cooperation/plans/{id}', { params: { path: { id } } }), [id]);
  const myTasks = useApi(() => api.GET('/api/tasks', { params: { query: { caseId: id, pageSize: 50 } } }), [id]);
  const [reporting, setReporting] = useState<PlanTask | null>(null);
  const plan = planView.data;

  if (planView.error) {
    return planView.error.status === 404 ? (
      <Result status="404" title="协作帮扶计划不存在" subTitle={planView.error.text} extra={<Link to="/cooperation">返回计划列表</Link>} />
    ) : (
      <Alert type="error" showIcon message={planView.error.text} />
    );
  }
  if (!plan) return <Card loading />;

  const reload = () => {
    planView.reload();
    myTasks.reload();
  };
  const labels = new Map(plan.indicators.map((i) => [i.code, i]));
  const taskTitles = new Map(plan.tasks.map((t) => [t.id, t.title]));
  const mayReport = can.cooperationReport(user.role) && !plan.closedAt;

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap align="center">
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
          {plan.year}年 {plan.partner.name}协作帮扶计划
        </Typography.Title>
        <Tag color="#0958d9">{plan.stageLabel}</Tag>
        {plan.gradeLabel && <Tag color="#237804">考核等次：{plan.gradeLabel}</Tag>}
      </Space>
      <Card title="计划信息" size="small">
        <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small">
          <Descriptions.Item label="计划编号">{plan.id}</Descriptions.Item>
          <Descriptions.Item label="协作伙伴">
            {plan.partner.name}（{plan.partner.kindLabel}）
          </Descriptions.Item>
          <Descriptions.Item label="签订日期">{plan.agreedAt}</Descriptions.Item>
          {plan.carryOverFrom && <Descriptions.Item label="承接计划">{plan.carryOverFrom}</Descriptions.Item>}
        </Descriptions>
      </Card>
      <Card title="指标完成情况" size="small">
        <Table<Indicator>
          size="small"
          rowKey="code"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={plan.indicators}
          locale={emptyText('计划未设指标')}
          columns={[
            { title: '指标', dataIndex: 'label' },
            { title: '目标', dataIndex: 'target', render: (t: number | null, row) => (t === null ? '未设目标' : `${t} ${row.unit}`) },
            { title: '完成', dataIndex: 'actual', render: (a: number, row) => `${a} ${row.unit}` },
            {
              title: '完成率',
              dataIndex: 'share',
              render: (share: number | null, row) => {
                const p = percent(share);
                return p === null ? '—' : (
                  <Progress percent={Math.min(p, 100)} format={() => `${p}%`} status={p >= 100 ? 'success' : 'normal'} size="small" style={{ minWidth: 160, margin: 0 }} aria-label={`${row.label}完成率 ${p}%`} />
                );
              },
            },
          ]}
        />
      </Card>
      <Card title="计划任务" size="small">
        <Table<PlanTask>
          size="small"
          rowKey="id"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={plan.tasks}
          locale={emptyText('计划尚无任务')}
          expandable={{
            rowExpandable: (t) => t.reports.length > 0,
            expandedRowRender: (t) => (
              <Table<Report>
                size="small"
                rowKey="id"
                pagination={false}
                dataSource={t.reports}
                columns={[
                  { title: '报告期', dataIndex: 'period' },
                  { title: '状态', dataIndex: 'statusLabel' },
                  { title: '完成值', dataIndex: 'actuals', render: (a: Record<string, number>) => Object.entries(a).map(([code, v]) => `${labels.get(code)?.label ?? code} ${v}`).join('；') },
                  { title: '说明', dataIndex: 'note', render: (n: string | null) => n ?? '—' },
                  { title: '报送时间', dataIndex: 'submittedAt', render: (at: string) => formatTime(at) },
                ]}
              />
            ),
          }}
          columns={[
            { title: '任务', dataIndex: 'title' },
            { title: '类别', dataIndex: 'categoryLabel' },
            { title: '责任单位', dataIndex: 'responsibleUnitLabel' },
            { title: '完成期限', dataIndex: 'dueDate' },
            { title: '环节', dataIndex: 'stageLabel' },
            { title: '季度报告', key: 'reports', render: (_: unknown, t) => `${t.reports.length} 份` },
            ...(mayReport
              ? [{ title: '操作', key: 'report', render: (_: unknown, t: PlanTask) => t.finished === null && <Button size="small" onClick={() => setReporting(t)}>报送季度报告</Button> }]
              : []),
          ]}
        />
      </Card>
      <CaseTasks mine={myTasks.data?.items ?? []} open={plan.openTasks} onChanged={reload} emptyText="本计划没有待您办理的事项" />
      <CaseTimeline
        lines={plan.timeline.map((e) => {
          const subject = e.taskId ? taskTitles.get(e.taskId) : undefined;
          return {
            ...e,
            title: [e.stepLabel, timelineKindLabels[e.kind] ?? (e.stepLabel ? null : e.kind)].filter(Boolean).join('·'),
            subject: subject && subject !== e.comment ? subject : null,
            actor: e.actorName,
          };
        })}
      />
      {reporting && (
        <ReportDialog
          plan={plan}
          task={reporting}
          onClose={() => setReporting(null)}
          onDone={(period) => {
            setReporting(null);
            void message.success(`${period} 季度报告已报送，待审核`);
            reload();
          }}
        />
      )}
    </Space>
  );
}

function ReportDialog({ plan, task, onClose, onDone }: { plan: Plan; task: PlanTask; onClose: () => void; onDone: (period: string) => void }) {
  const [form] = Form.useForm();
  const [key] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string[]>([]);
  const indicators = plan.indicators.filter((i) => task.indicators.includes(i.code));

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setBusy(true);
    setAlert([]);
    const actuals: Record<string, number> = {};
    for (const i of indicators) if (typeof values.actuals?.[i.code] === 'number') actuals[i.code] = values.actuals[i.code];
    const { data, error } = await api.POST('/api/cooperation/plans/{id}/tasks/{taskId}/reports', {
      params: { path: { id: plan.id, taskId: task.id }, header: { 'idempotency-key': key } },
      body: { period: values.period ?? '', actuals, note: values.note || undefined },
    });
    setBusy(false);
    if (data) onDone(data.period);
    else setAlert(showIssues(form, error, [['period'], ['note'], ['actuals'], ...indicators.map((i) => ['actuals', i.code])]));
  };

  return (
    <Modal open title={`报送季度报告：${task.title}`} okText="提交" cancelText="取消" confirmLoading={busy} onOk={() => void submit()} onCancel={onClose}>
      {alert.length > 0 && <Alert type="error" showIcon message={alert.join('；')} style={{ marginBottom: 12 }} role="alert" />}
      <Form form={form} layout="vertical">
        <Form.Item label="报告期（如 2027Q1）" name="period" rules={[{ required: true, message: '请填写报告期' }]}>
          <Input maxLength={6} placeholder={`${plan.year}Q1`} />
        </Form.Item>
        {indicators.map((i) => (
          <Form.Item key={i.code} label={`${i.label}（${i.unit}）`} name={['actuals', i.code]}>
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
        ))}
        <Form.Item label="说明" name="note">
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
