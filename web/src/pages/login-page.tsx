import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import type { ApiError } from '../api/client';
import { useAuth } from '../auth/auth-context';
import { safeNext } from '../auth/next-path';
import { formatTime } from '../time';


function loginMessage(error: ApiError): string {
  // 423 and 429 say until when, in Beijing time, in their reason.
  if (error.error === 'locked' || error.error === 'too_many_requests') {
    return error.reason ?? `登录已锁定${error.lockedUntil ? `，解锁时间：${formatTime(error.lockedUntil)}` : ''}`;
  }
  if (error.issues?.length) return error.issues.map((i) => i.message).join('；');
  return error.reason ?? '登录失败，请稍后重试';
}

export function LoginPage() {
  const { status, login } = useAuth();
  const [params] = useSearchParams();
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const next = safeNext(params.get('next'));
  if (status === 'signedIn') return <Navigate to={next} replace />;

  const onFinish = async ({ username, password }: { username: string; password: string }) => {
    setBusy(true);
    setError(await login(username.trim(), password));
    setBusy(false);
  };

  return (
    <main style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f5f5f5', padding: 16 }}>
      <Card style={{ width: '100%', maxWidth: 400 }}>
        <Typography.Title level={1} style={{ fontSize: 22, textAlign: 'center' }}>
          开州区防止返贫动态监测
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          AssistFlow 业务协同系统
        </Typography.Paragraph>
        {error && <Alert type="error" showIcon message={loginMessage(error)} style={{ marginBottom: 16 }} role="alert" />}
        <Form layout="vertical" onFinish={(v: { username: string; password: string }) => void onFinish(v)} requiredMark={false}>
          <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请填写用户名' }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label="密码" name="password" rules={[{ required: true, message: '请填写密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            登录
          </Button>
        </Form>
      </Card>
    </main>
  );
}
