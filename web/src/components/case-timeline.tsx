import { Card, Tag, Timeline, Typography } from 'antd';
import { formatTime } from '../time';

/** One entry of a case's 办理过程, as every case page shows it. */
export interface TimelineLine {
  at: string;
  /** What happened: the step and the event, e.g. 乡镇审核·办理. */
  title: string;
  /** What it concerns, when the title does not say (a plan's task). */
  subject?: string | null;
  decision?: string | null;
  decisionLabel?: string | null;
  actor?: string | null;
  comment?: string | null;
}

/** 办理过程: who did what, when, with the decision and the comment; returns and rejections stand out. */
export function CaseTimeline({ lines }: { lines: TimelineLine[] }) {
  return (
    <Card title="办理过程" size="small">
      <Timeline
        items={lines.map((e) => ({
          color: e.decision === 'reject' ? 'red' : e.decision === 'return' ? 'orange' : 'blue',
          children: (
            <>
              <Typography.Text type="secondary">{formatTime(e.at)}</Typography.Text> <Typography.Text strong>{e.title}</Typography.Text>
              {e.subject && <Typography.Text> {e.subject}</Typography.Text>}
              {e.decisionLabel && <Tag style={{ marginInlineStart: 8 }}>{e.decisionLabel}</Tag>}
              {e.actor && <Typography.Text type="secondary"> {e.actor}</Typography.Text>}
              {e.comment && <div>{e.comment}</div>}
            </>
          ),
        }))}
      />
    </Card>
  );
}
