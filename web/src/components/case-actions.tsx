import { Alert, Button, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, type Schemas } from '../api/client';
import { useUser } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { newIdempotencyKey, showIssues } from '../form-issues';
import { measureTypeLabels, options, pensionBeneficiaryGroupLabels } from '../labels';

type Case = Schemas['MonitoringCase'];
type Action = 'objection' | 'visit' | 'measures' | 'exit' | 'rollback';

const titles: Record<Action, string> = { objection: '登记公示异议', visit: '记录走访', measures: '安排帮扶措施', exit: '申请风险消除', rollback: '回退为监测对象' };
const monitoredStages = ['MONITORED', 'EXIT_VISIT', 'EXIT_VILLAGE_REVIEW', 'EXIT_POSTING', 'EXIT_TOWN_REVIEW', 'EXIT_DISTRICT_APPROVAL'];

/** The actions on a case the user's role may take at its stage, each a dialog whose errors sit beside their fields. */
export function CaseActions({ view, onDone }: { view: Case; onDone: (c: Case) => void }) {
  const user = useUser();
  const [open, setOpen] = useState<Action | null>(null);
  const stage = view.stage;
  const available: Action[] = [];
  if (can.objection(user.role) && (stage === 'PUBLIC_POSTING' || stage === 'EXIT_POSTING')) available.push('objection');
  if (can.visit(user.role) && (monitoredStages.includes(stage) || stage === 'RISK_ELIMINATED')) available.push('visit');
  if (can.measures(user.role) && stage === 'MONITORED') available.push('measures');
  if (can.proposeExit(user.role) && stage === 'MONITORED') available.push('exit');
  if (can.rollback(user.role) && stage === 'RISK_ELIMINATED') available.push('rollback');
  if (available.length === 0) return null;
  return (
    <>
      <Space wrap>
        {available.map((a) => (
          <Button key={a} onClick={() => setOpen(a)}>
            {titles[a]}
          </Button>
        ))}
      </Space>
      {open && (
        <ActionDialog
          action={open}
          view={view}
          onClose={() => setOpen(null)}
          onDone={(c) => {
            setOpen(null);
            onDone(c);
          }}
        />
      )}
    </>
  );
}

interface MeasureRow {
  type?: string;
  dates?: [Dayjs, Dayjs | null];
  startDate?: Dayjs;
  endDate?: Dayjs;
  monthlyAmount?: number;
  beneficiaryGroup?: string;
  note?: string;
}

const fieldsOf: Record<Action, string[][]> = {
  objection: [['content']],
  visit: [['perCapitaIncome'], ['unresolvedSpending'], ['guaranteesSecure'], ['note']],
  measures: [['measures', '*', 'type'], ['measures', '*', 'startDate'], ['measures', '*', 'endDate'], ['measures', '*', 'monthlyAmount'], ['measures', '*', 'beneficiaryGroup'], ['measures', '*', 'note']],
  exit: [['reason']],
  rollback: [['reason']],
};

function ActionDialog({ action, view, onClose, onDone }: { action: Action; view: Case; onClose: () => void; onDone: (c: Case) => void }) {
  const [form] = Form.useForm();
  const [key] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string[]>([]);
  const path = { id: view.id };
  const headers = { 'idempotency-key': key };

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    setBusy(true);
    setAlert([]);
    let result: { data?: { case: Case }; error?: unknown };
    switch (action) {
      case 'objection':
        result = await api.POST('/api/monitoring-cases/{id}/objections', { params: { path, header: headers }, body: { content: values.content } });
        break;
      case 'visit':
        result = await api.POST('/api/monitoring-cases/{id}/visits', {
          params: { path, header: headers },
          body: { perCapitaIncome: values.perCapitaIncome, unresolvedSpending: values.unresolvedSpending, guaranteesSecure: values.guaranteesSecure, note: values.note || undefined },
        });
        break;
      case 'measures':
        result = await api.POST('/api/monitoring-cases/{id}/measures', {
          params: { path, header: headers },
          body: {
            measures: (values.measures as MeasureRow[]).map((m) => ({
              type: m.type as 'INDUSTRY',
              startDate: m.startDate?.format('YYYY-MM-DD') ?? '',
              endDate: m.endDate?.format('YYYY-MM-DD'),
              monthlyAmount: m.monthlyAmount ?? undefined,
              beneficiaryGroup: (m.beneficiaryGroup || undefined) as undefined,
              note: m.note || undefined,
            })),
          },
        });
        break;
      case 'exit':
        result = await api.POST('/api/monitoring-cases/{id}/exit-proposals', { params: { path, header: headers }, body: { reason: values.reason } });
        break;
      case 'rollback':
        result = await api.POST('/api/monitoring-cases/{id}/rollback', { params: { path, header: headers }, body: { reason: values.reason } });
        break;
    }
    setBusy(false);
    if (result.data) onDone(result.data.case);
    else setAlert(showIssues(form, result.error, fieldsOf[action]));
  };

  const required = (message: string) => [{ required: true, message }];
  return (
    <Modal open title={titles[action]} okText="提交" cancelText="取消" confirmLoading={busy} onOk={() => void submit()} onCancel={onClose} width={action === 'measures' ? 760 : 520}>
      {alert.length > 0 && <Alert type="error" showIcon message={alert.join('；')} style={{ marginBottom: 12 }} role="alert" />}
      <Form form={form} layout="vertical" initialValues={action === 'measures' ? { measures: [{}] } : action === 'visit' ? { unresolvedSpending: false, guaranteesSecure: true } : {}}>
        {action === 'objection' && (
          <Form.Item label="异议内容" name="content" rules={required('请填写异议内容')}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
        )}
        {(action === 'exit' || action === 'rollback') && (
          <Form.Item label={action === 'exit' ? '申请理由' : '回退原因'} name="reason" rules={required(action === 'exit' ? '请填写申请风险消除的理由' : '请填写回退原因')}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
        )}
        {action === 'visit' && (
          <>
            <Form.Item label="人均纯收入（元/年）" name="perCapitaIncome" rules={required('请填写人均纯收入')}>
              <InputNumber min={0} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item label="是否仍有刚性支出困难" name="unresolvedSpending">
              <Radio.Group options={[{ value: true, label: '是' }, { value: false, label: '否' }]} />
            </Form.Item>
            <Form.Item label="“三保障”和饮水安全是否有保障" name="guaranteesSecure">
              <Radio.Group options={[{ value: true, label: '有保障' }, { value: false, label: '无保障' }]} />
            </Form.Item>
            <Form.Item label="走访记录" name="note">
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          </>
        )}
        {action === 'measures' && <MeasureFields />}
      </Form>
    </Modal>
  );
}

function MeasureFields() {
  return (
    <Form.List name="measures">
      {(fields, { add, remove }) => (
        <>
          {fields.map((field) => (
            <div key={field.key} style={{ border: '1px solid #f0f0f0', borderRadius: 6, padding: '8px 12px', marginBottom: 8 }}>
              <Space wrap align="start">
                <Form.Item label="措施类型" name={[field.name, 'type']} rules={[{ required: true, message: '请选择措施类型' }]}>
                  <Select style={{ width: 200 }} options={options(measureTypeLabels)} placeholder="请选择" />
                </Form.Item>
                <Form.Item label="开始日期" name={[field.name, 'startDate']} rules={[{ required: true, message: '请选择开始日期' }]}>
                  <DatePicker />
                </Form.Item>
                <Form.Item label="结束日期" name={[field.name, 'endDate']}>
                  <DatePicker />
                </Form.Item>
                <Form.Item label="月发放金额（元/月）" name={[field.name, 'monthlyAmount']}>
                  <InputNumber min={0} step={0.01} style={{ width: 160 }} />
                </Form.Item>
                <Form.Item label="代缴对象类别" name={[field.name, 'beneficiaryGroup']}>
                  <Select allowClear style={{ width: 160 }} options={options(pensionBeneficiaryGroupLabels)} placeholder="仅养老保险代缴" />
                </Form.Item>
              </Space>
              {fields.length > 1 && (
                <Button size="small" danger onClick={() => remove(field.name)}>
                  删除此项
                </Button>
              )}
            </div>
          ))}
          <Button onClick={() => add({})}>增加一项措施</Button>
        </>
      )}
    </Form.List>
  );
}
