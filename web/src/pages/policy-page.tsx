import { Alert, App, Button, Card, DatePicker, Form, InputNumber, Select, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, type Schemas } from '../api/client';
import { useUser } from '../auth/auth-context';
import { can } from '../auth/permissions';
import { showIssues } from '../form-issues';
import { stepLabels } from '../labels';
import { durationText, joinDuration, splitDuration, unitLabels, type DurationUnit } from '../policy-durations';
import { formatTime } from '../time';
import { useApi } from '../use-api';

type Settings = Schemas['Policy']['current']['settings'];
type Duration = { amount: number; unit: DurationUnit };

const stepKeys = ['HOME_VISIT', 'DATA_MATCHING', 'VILLAGE_REVIEW', 'TOWN_REVIEW', 'DISTRICT_APPROVAL', 'ANNOUNCEMENT', 'OBJECTION'] as const;
const otherDurations = [
  ['escalationAfter', '逾期后上报间隔'],
  ['identificationLimit', '识别认定总时限'],
  ['postingPeriod', '公示期'],
  ['followUpVisitInterval', '定期走访间隔'],
  ['measureDeliveryDue', '帮扶措施落实时限'],
  ['exitMinMonitored', '风险消除前最短监测期'],
  ['recheckInterval', '风险消除后回头看间隔'],
  ['annualReviewDue', '年度集中排查时限'],
] as const;

function DurationInput({ value, onChange, label }: { value?: Duration; onChange?: (v: Duration) => void; label: string }) {
  const v = value ?? { amount: 1, unit: 'D' };
  return (
    <Space.Compact>
      <InputNumber aria-label={`${label}数值`} min={1} precision={0} value={v.amount} onChange={(amount) => onChange?.({ ...v, amount: amount ?? 1 })} style={{ width: 100 }} />
      <Select aria-label={`${label}单位`} value={v.unit} onChange={(unit) => onChange?.({ ...v, unit })} style={{ width: 80 }} options={Object.entries(unitLabels).map(([value, label]) => ({ value, label }))} />
    </Space.Compact>
  );
}

/** 政策设置: the stored versions, and (district approvers) a form that stores the next one, durations in days or hours. */
export default function PolicyPage() {
  const user = useUser();
  const { message } = App.useApp();
  const { data, error, reload } = useApi(() => api.GET('/api/policy'), []);
  const [form] = Form.useForm();
  const [alert, setAlert] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const initial = (s: Settings) => ({
    ...Object.fromEntries(stepKeys.map((k) => [`stepDue.${k}`, splitDuration(s.stepDue[k])])),
    ...Object.fromEntries(otherDurations.map(([k]) => [k, splitDuration(s[k] as string | undefined)])),
  });

  const store = async (values: Record<string, Duration | Dayjs | undefined>) => {
    if (!data) return;
    setBusy(true);
    setAlert([]);
    const current = data.current.settings;
    const settings = {
      ...current,
      stepDue: Object.fromEntries(stepKeys.map((k) => [k, joinDuration(values[`stepDue.${k}`] as Duration)])),
      ...Object.fromEntries(otherDurations.map(([k]) => [k, joinDuration(values[k] as Duration)])),
    } as Settings;
    const effectiveFrom = values.effectiveFrom as Dayjs | undefined;
    const { error: failure } = await api.PUT('/api/policy', {
      body: { settings: settings as never, effectiveFrom: effectiveFrom ? effectiveFrom.format('YYYY-MM-DDTHH:mm:ssZ') : undefined },
    });
    setBusy(false);
    if (failure) {
      setAlert(showIssues(form, { ...failure, issues: (failure as { issues?: { path: string; message: string }[] }).issues?.map((i) => ({ ...i, path: i.path.replace(/^settings\.stepDue\./, 'stepDue.').replace(/^settings\./, '') })) }, [...stepKeys.map((k) => [`stepDue.${k}`]), ...otherDurations.map(([k]) => [k]), ['effectiveFrom']]));
      return;
    }
    void message.success('已保存新的政策版本');
    reload();
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>
        政策设置
      </Typography.Title>
      {error && <Alert type="error" showIcon message={error.text} />}
      <Card title="政策版本" size="small">
        <Table
          size="small"
          rowKey="version"
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={data?.versions ?? (data ? [data.current] : [])}
          columns={[
            { title: '版本', dataIndex: 'version', render: (v: number) => (v === 0 ? '第0版（内置默认）' : `第${v}版`) },
            { title: '生效时间', dataIndex: 'effectiveFrom', render: (at: string | null) => (at ? formatTime(at) : '—') },
            { title: '设定人', dataIndex: 'createdBy', render: (by?: string) => by ?? '—' },
            { title: '当前', render: (_v, row) => (row.version === data?.current.version ? '现行' : '') },
            { title: '公示期', render: (_v, row) => durationText(row.settings.postingPeriod) },
            { title: '逾期后上报间隔', render: (_v, row) => durationText(row.settings.escalationAfter) },
          ]}
        />
      </Card>
      {can.storePolicy(user.role) && data && (
        <Card title="保存下一版本" size="small">
          {alert.length > 0 && <Alert type="error" showIcon message={alert.join('；')} style={{ marginBottom: 12 }} role="alert" />}
          <Form form={form} layout="vertical" initialValues={initial(data.current.settings)} onFinish={(v) => void store(v)} key={data.current.version}>
            <Typography.Title level={3} style={{ fontSize: 16 }}>
              各环节办理时限
            </Typography.Title>
            <Space wrap size="large">
              {stepKeys.map((k) => (
                <Form.Item key={k} label={stepLabels[k]} name={`stepDue.${k}`}>
                  <DurationInput label={stepLabels[k]} />
                </Form.Item>
              ))}
            </Space>
            <Typography.Title level={3} style={{ fontSize: 16 }}>
              其他时限
            </Typography.Title>
            <Space wrap size="large">
              {otherDurations.map(([k, label]) => (
                <Form.Item key={k} label={label} name={k}>
                  <DurationInput label={label} />
                </Form.Item>
              ))}
            </Space>
            <Form.Item label="生效时间（不填则立即生效，北京时间）" name="effectiveFrom">
              <DatePicker showTime />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              保存为新版本
            </Button>
          </Form>
        </Card>
      )}
    </Space>
  );
}
