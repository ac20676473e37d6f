import { Alert, Button, Card, Descriptions, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api, errorText, type Schemas } from '../api/client';
import { emptyText } from '../components/empty-text';

type ImportResult = Schemas['DepartmentAlertImport'];

const fieldLabels: Record<string, string> = {
  name: '姓名',
  idNumber: '身份证号',
  department: '部门',
  trigger: '预警事由',
  amount: '金额',
  date: '日期',
  villageCode: '村（社区）代码',
  file: '文件',
};

/** 部门数据导入: one upload, then what was taken and each rejected row with its field and reason. */
export default function ImportPage() {
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    setResult(null);
    const form = new FormData();
    form.append('file', file);
    const { data, error: failure } = await api.POST('/api/imports/department-alerts', {
      body: { file: '' },
      bodySerializer: () => form,
    });
    setBusy(false);
    if (data) setResult(data);
    else setError(errorText(failure));
  };

  return (
    <>
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        部门数据导入
      </Typography.Title>
      <Card size="small">
        <Typography.Paragraph>
          上传本部门的筛查预警名单（CSV 或 XLSX，第1行为表头：姓名、身份证号、部门、预警事由、金额、日期，可选村（社区）代码）。已有办理中案件的户作为佐证加入案件，其他户登记为新的监测线索。
        </Typography.Paragraph>
        <Upload accept=".csv,.xlsx,.txt" maxCount={1} showUploadList={false} beforeUpload={(file) => (void upload(file), false)}>
          <Button type="primary" loading={busy}>
            选择文件并上传
          </Button>
        </Upload>
      </Card>
      {error && <Alert type="error" showIcon message={error} style={{ marginTop: 12 }} role="alert" />}
      {result && (
        <Card size="small" title="导入结果" style={{ marginTop: 12 }}>
          {result.alreadyImported && <Alert type="info" showIcon message="该文件已导入过，本次未新增数据" style={{ marginBottom: 12 }} />}
          <Descriptions size="small" column={{ xs: 1, sm: 3 }}>
            <Descriptions.Item label="接收行数">{result.accepted}</Descriptions.Item>
            <Descriptions.Item label="新增线索">{result.leadsCreated}</Descriptions.Item>
            <Descriptions.Item label="加入案件佐证">{result.evidenceAdded}</Descriptions.Item>
            <Descriptions.Item label="重复">{result.duplicates}</Descriptions.Item>
            <Descriptions.Item label="未通过">{result.rejected.length} 项</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={3} style={{ fontSize: 16 }}>
            未通过的行
          </Typography.Title>
          <Table
            size="small"
            rowKey={(r) => `${r.row}:${r.field}`}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            dataSource={result.rejected}
            locale={emptyText('全部通过')}
            columns={[
              { title: '行号', dataIndex: 'row', width: 80 },
              { title: '字段', dataIndex: 'field', width: 140, render: (f: string) => fieldLabels[f] ?? f },
              { title: '原因', dataIndex: 'message' },
            ]}
          />
        </Card>
      )}
    </>
  );
}
