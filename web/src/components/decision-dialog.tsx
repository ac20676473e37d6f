import { Alert, Form, Input, Modal, Radio } from 'antd';
import { useState } from 'react';
import { api, errorText, type Schemas } from '../api/client';

type Task = Schemas['Task'];

/** Return and reject need a reason: refused here, beside the field, before anything is sent. */
const needsReason = (decision: string) => decision === 'return' || decision === 'reject';

export function DecisionDialog({ task, onClose, onDecided }: { task: Task | null; onClose: () => void; onDecided: (stageLabel: string) => void }) {
  const [form] = Form.useForm<{ decision: string; comment?: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const decision = Form.useWatch('decision', form);

  const submit = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!task || !values) return;
    setBusy(true);
    setError(null);
    const { data, error: failure } = await api.POST('/api/tasks/{id}/complete', {
      params: { path: { id: task.id } },
      body: { decision: values.decision as 'approve', comment: values.comment?.trim() || undefined },
    });
    setBusy(false);
    if (!data) {
      setError(errorText(failure));
      return;
    }
    form.resetFields();
    onDecided(data.stageLabel);
  };

  return (
    <Modal
      open={task !== null}
      title={task ? `办理：${task.stepLabel}` : ''}
      okText="提交"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={() => {
        form.resetFields();
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} role="alert" />}
      <Form form={form} layout="vertical" initialValues={{ decision: task?.allowedDecisions[0] }}>
        <Form.Item label="办理结果" name="decision" rules={[{ required: true, message: '请选择办理结果' }]}>
          <Radio.Group>
            {task?.allowedDecisions.map((d) => (
              <Radio.Button key={d} value={d}>
                {task.decisionLabels[d] ?? d}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item
          label={needsReason(decision ?? '') ? '理由（必填）' : '意见（选填）'}
          name="comment"
          dependencies={['decision']}
          rules={[
            ({ getFieldValue }) => ({
              validator: (_rule, value?: string) =>
                needsReason(getFieldValue('decision') as string) && !value?.trim()
                  ? Promise.reject(new Error('退回补充或不予通过时必须填写理由'))
                  : Promise.resolve(),
            }),
          ]}
        >
          {/* No character count: its line sits where the field's error shows, and covered it. */}
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
