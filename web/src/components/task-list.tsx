import { App, Button, Card, Empty, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, errorText, type Schemas } from '../api/client';
import { placeName } from '../places';
import { formatTime, timeLeft } from '../time';
import { DecisionDialog } from './decision-dialog';

type Task = Schemas['Task'];

/** The pages the app has for a task's case (the API declares each process's path). */
const casePathPattern = /^\/(cases|relocations|cooperation)\/[^/]+$/;

export function TaskBadges({ task }: { task: Task }) {
  return (
    <Space size={4} wrap>
      {task.overdue && <Tag color="#a8071a">逾期</Tag>}
      {task.escalated && <Tag color="#ad4e00">已上报{task.escalationLevel > 1 ? `（第${task.escalationLevel}级）` : ''}</Tag>}
      {task.assigneeId && <Tag color="#0958d9">已认领</Tag>}
    </Space>
  );
}

/**
 * Tasks as cards (readable on a phone as on a desk): step, place, due time with time left, badges; claim and
 * decide when `actionable` (the inbox's own items; escalated ones are for supervision only).
 */
export function TaskList({
  tasks,
  actionable,
  caseLinks,
  onChanged,
  emptyText = '暂无待办',
}: {
  tasks: Task[];
  actionable: boolean;
  caseLinks: boolean;
  onChanged: () => void;
  emptyText?: string;
}) {
  const { message, modal } = App.useApp();
  const [deciding, setDeciding] = useState<Task | null>(null);
  const [subjects, setSubjects] = useState<Record<string, { headName: string; idNumber: string; phone: string | null }>>({});

  /** 比对对象: a department officer matching a household's data reads whom, whole, as the API allows them (audited). */
  const showSubject = (task: Task) =>
    modal.confirm({
      title: '查看比对对象',
      content: '完整身份证号和联系电话仅用于本部门信息比对或落实帮扶措施。本次查看将被记录（记录查看），写入审计日志。',
      okText: '确认查看',
      cancelText: '取消',
      onOk: async () => {
        const { data, error } = await api.GET('/api/monitoring-cases/{id}/personal-data', { params: { path: { id: task.caseId } } });
        if (data) setSubjects((known) => ({ ...known, [task.id]: data }));
        else void message.error(errorText(error));
      },
    });

  const claim = async (task: Task) => {
    const { error } = await api.POST('/api/tasks/{id}/claim', { params: { path: { id: task.id } } });
    if (error) void message.error(errorText(error));
    else void message.success('已认领，其他人不能再办理此任务');
    onChanged();
  };

  if (tasks.length === 0) return <Empty description={emptyText} />;
  return (
    <>
      <List
        dataSource={tasks}
        rowKey="id"
        renderItem={(task) => (
          <List.Item style={{ padding: '6px 0' }}>
            <Card size="small" style={{ width: '100%', borderColor: task.overdue ? '#ffa39e' : undefined }}>
              <Space direction="vertical" size={4} style={{ width: '100%' }}>
                <Space wrap>
                  <Typography.Text strong>{task.stepLabel}</Typography.Text>
                  <Typography.Text type="secondary">{task.processLabel}</Typography.Text>
                  <TaskBadges task={task} />
                </Space>
                <Typography.Text>
                  辖区：{placeName(task.jurisdictionCode)}
                  {task.departmentLabel && `　办理部门：${task.departmentLabel}`}
                </Typography.Text>
                <Typography.Text type={task.overdue ? 'danger' : undefined}>
                  办理期限：{formatTime(task.dueAt)}（{timeLeft(task.dueAt)}）
                </Typography.Text>
                {subjects[task.id] && (
                  <Typography.Text>
                    比对对象：{subjects[task.id].headName}　身份证号：{subjects[task.id].idNumber}　联系电话：{subjects[task.id].phone ?? '—'}
                  </Typography.Text>
                )}
                <Space wrap>
                  {/* The process's own page of the case: /cases/<id>, /relocations/<id>, /cooperation/<plan id>. */}
                  {caseLinks && casePathPattern.test(task.casePath) && <Link to={task.casePath}>{task.process === 'cooperation' ? '查看计划' : '查看案件'}</Link>}
                  {actionable && task.department && task.process === 'monitoring' && !subjects[task.id] && (
                    <Button size="small" onClick={() => void showSubject(task)}>
                      查看比对对象
                    </Button>
                  )}
                  {actionable && !task.assigneeId && (
                    <Button size="small" onClick={() => void claim(task)}>
                      认领
                    </Button>
                  )}
                  {actionable && (
                    <Button size="small" type="primary" onClick={() => setDeciding(task)}>
                      办理
                    </Button>
                  )}
                </Space>
              </Space>
            </Card>
          </List.Item>
        )}
      />
      <DecisionDialog
        task={deciding}
        onClose={() => setDeciding(null)}
        onDecided={(stageLabel) => {
          setDeciding(null);
          void message.success(`已提交，案件当前环节：${stageLabel}`);
          onChanged();
        }}
      />
    </>
  );
}

/**
 * 待办事项 of a case page: the signed-in user's own tasks of the case (actionable), then the case's other open steps,
 * which someone else acts on.
 */
export function CaseTasks({ mine, open, onChanged, emptyText }: { mine: Task[]; open: readonly Task[]; onChanged: () => void; emptyText: string }) {
  const mineIds = new Set(mine.map((t) => t.id));
  const others = open.filter((t) => !mineIds.has(t.id));
  return (
    <Card title="待办事项" size="small">
      <TaskList tasks={mine} actionable caseLinks={false} onChanged={onChanged} emptyText={emptyText} />
      {others.length > 0 && (
        <>
          <Typography.Paragraph strong style={{ marginTop: 12 }}>
            其他办理中的环节
          </Typography.Paragraph>
          <TaskList tasks={others} actionable={false} caseLinks={false} onChanged={onChanged} />
        </>
      )}
    </Card>
  );
}
