import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Result, Select, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { idNumberProblem } from '../../../src/domain/id-number';
import { api, type ApiError } from '../api/client';
import { useUser } from '../auth/auth-context';
import { showIssues } from '../form-issues';
import { categoryLabels, channelLabels, laborCapacityLabels, options, riskTypeLabels } from '../labels';

const householdFields = ['headName', 'idNumber', 'phone', 'villageCode', 'memberCount', 'laborCapacity'];
const fields = [...householdFields.map((f) => [f]), ['category'], ['channel'], ['riskTypes'], ['perCapitaIncome'], ['note']];

interface Values {
  headName: string;
  idNumber: string;
  phone?: string;
  villageCode: string;
  memberCount: number;
  laborCapacity: 'full' | 'partial' | 'none';
  category: 'MARGINAL';
  channel: 'CADRE_VISIT';
  riskTypes: 'ILLNESS'[];
  perCapitaIncome: number;
  note?: string;
}

/** 新增监测对象: the ID number is checked as it is typed, by the server's own rule (src/domain/id-number.ts). */
export default function NewCasePage() {
  const user = useUser();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [alert, setAlert] = useState<string[]>([]);
  const [existing, setExisting] = useState<string | null>(null);

  const submit = async (v: Values) => {
    setBusy(true);
    setAlert([]);
    setExisting(null);
    const { data, error, response } = await api.POST('/api/monitoring-cases', {
      body: {
        household: { headName: v.headName, idNumber: v.idNumber, phone: v.phone || undefined, villageCode: v.villageCode, memberCount: v.memberCount, laborCapacity: v.laborCapacity },
        category: v.category,
        channel: v.channel,
        riskTypes: v.riskTypes,
        perCapitaIncome: v.perCapitaIncome,
        note: v.note || undefined,
      },
    });
    setBusy(false);
    if (data) {
      void navigate(`/cases/${data.id}`);
      return;
    }
    if (response.status === 409 && (error as { caseId?: string }).caseId) setExisting((error as { caseId: string }).caseId);
    // household.idNumber → the idNumber field; the rest by their own paths.
    const household = showIssues(form, error, fields.slice(0, householdFields.length), 'household.');
    const rest = showIssues(form, { issues: (error as ApiError).issues?.filter((i) => !i.path.startsWith('household.')), reason: (error as ApiError).reason }, fields.slice(householdFields.length));
    setAlert([...household.filter((m) => !rest.includes(m)), ...rest]);
  };

  return (
    <>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        新增监测对象
      </Typography.Title>
      <Card style={{ maxWidth: 760 }}>
        {alert.length > 0 && <Alert type="error" showIcon message={alert.join('；')} style={{ marginBottom: 12 }} role="alert" />}
        {existing && (
          <Result status="info" title="该户已有办理中的案件" extra={<Link to={`/cases/${existing}`}>查看该案件</Link>} style={{ padding: 12 }} />
        )}
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={(v) => void submit(v)}
          initialValues={{ villageCode: user.jurisdictionCode.length === 12 ? user.jurisdictionCode : undefined, laborCapacity: 'partial', category: 'MARGINAL', channel: 'CADRE_VISIT', riskTypes: [], memberCount: 1 }}
        >
          <Form.Item label="户主姓名" name="headName" rules={[{ required: true, whitespace: true, message: '请填写户主姓名' }]}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item
            label="户主身份证号"
            name="idNumber"
            validateTrigger={['onChange', 'onBlur']}
            rules={[
              { required: true, message: '请填写户主身份证号' },
              {
                validator: (_rule, value?: string) => {
                  const v = (value ?? '').trim();
                  // While typing, only a complete number is judged; on blur and submit every number is.
                  if (!v || (v.length < 18 && document.activeElement?.id === 'idNumber')) return Promise.resolve();
                  const problem = idNumberProblem(v);
                  return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
                },
              },
            ]}
          >
            <Input id="idNumber" maxLength={18} autoComplete="off" />
          </Form.Item>
          <Form.Item label="联系电话" name="phone">
            <Input maxLength={20} inputMode="tel" />
          </Form.Item>
          <Form.Item label="村（社区）代码" name="villageCode" rules={[{ required: true, pattern: /^\d{12}$/, message: '村（社区）代码应为12位数字' }]}>
            <Input maxLength={12} disabled={user.jurisdictionCode.length === 12} />
          </Form.Item>
          <Form.Item label="家庭人口" name="memberCount" rules={[{ required: true, message: '请填写家庭人口' }]}>
            <InputNumber min={1} max={30} precision={0} style={{ width: '100%' }} />
          </Form.Item>
          {/* No required rule on selects with a default: antd would put aria-required on the select's wrapper, which axe refuses. */}
          <Form.Item label="劳动能力" name="laborCapacity">
            <Select options={options(laborCapacityLabels)} />
          </Form.Item>
          <Form.Item label="监测对象类别" name="category">
            <Select options={options(categoryLabels)} />
          </Form.Item>
          <Form.Item label="发现渠道" name="channel">
            <Select options={options(channelLabels).filter((o) => o.value !== 'DEPARTMENT_ALERT')} />
          </Form.Item>
          <Form.Item label="风险类型" name="riskTypes" rules={[{ validator: (_rule, v?: string[]) => (v?.length ? Promise.resolve() : Promise.reject(new Error('至少选择一种风险类型'))) }]}>
            <Checkbox.Group options={options(riskTypeLabels)} />
          </Form.Item>
          <Form.Item label="人均纯收入（元/年）" name="perCapitaIncome" rules={[{ required: true, message: '请填写人均纯收入' }]}>
            <InputNumber min={0} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item label="备注" name="note">
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy}>
            提交
          </Button>
        </Form>
      </Card>
    </>
  );
}
