import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  /** Stable across retries, so a receiver can tell a resend from a new message. */
  idempotencyKey: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send({ to, subject, text, idempotencyKey }) {
      const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
      await transport.sendMail({ from, to, subject, text, messageId: `<${hash}@assistflow>` });
    },
    close: () => transport.close(),
  };
}
