import type { ActivityDeps } from '../deps';
import type { MailMessage } from './mailer';

/**
 * Sends a message once per idempotency key: the Notification row remembers what was sent,
 * so activity retries and workflow replays never mail twice. (SMTP has no two-phase commit: a process killed between
 * the server's acceptance and the write of `sentAt`, a few milliseconds, still sends it again on retry.)
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
  // The mail is out: failing now would make the activity's retry send it again, so outlast a database restart instead.
  await persistently(() => db.notification.update({ where: { id }, data: { sentAt: new Date() } }));
  return 'sent';
}

/** Tries a write again for up to `forMs` (less than the activities' 30 s start-to-close timeout) before giving up. */
async function persistently<T>(write: () => Promise<T>, forMs = 20_000): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let waitMs = 100; ; waitMs = Math.min(waitMs * 2, 2000)) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() + waitMs > deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs));
  }
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
