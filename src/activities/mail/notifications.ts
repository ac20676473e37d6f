import type { ActivityDeps } from '../deps';
import type { MailMessage } from './mailer';

/**
 * Sends a message once per idempotency key: the Notification row remembers what was sent,
 * so activity retries and workflow replays never mail twice.
 */
export async function sendOnce(
  { db, mailer }: Pick<ActivityDeps, 'db' | 'mailer'>,
  message: MailMessage & { kind: string; caseId?: string; taskId?: string },
): Promise<'sent' | 'already-sent' | 'no-recipients'> {
  const { idempotencyKey: id, kind, caseId, taskId, to, subject } = message;
  const existing = await db.notification.findUnique({ where: { id } });
  if (existing?.sentAt) return 'already-sent';
  await db.notification.upsert({
    where: { id },
    create: { id, kind, caseId, taskId, recipients: to, subject },
    update: {},
  });
  if (to.length === 0) return 'no-recipients';
  await mailer.send(message);
  await db.notification.update({ where: { id }, data: { sentAt: new Date() } });
  return 'sent';
}

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** Times in emails are Beijing time, as caseworkers read them. */
export function beijingTime(ms: number): string {
  return timeFormat.format(new Date(ms));
}
