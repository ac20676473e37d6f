import http from 'node:http';
import type net from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One message as the catcher received it. `to` is the envelope (RCPT TO), so Bcc recipients appear too. */
export interface CaughtMessage {
  id: number;
  messageId?: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  receivedAt: Date;
}

export interface SmtpCatcher {
  smtpUrl: string;
  smtpPort: number;
  uiUrl?: string;
  messages(): CaughtMessage[];
  /** Resolves with the first message (already received or arriving later) that matches. */
  waitFor(predicate: (message: CaughtMessage) => boolean, timeoutMs?: number): Promise<CaughtMessage>;
  clear(): void;
  stop(): Promise<void>;
}

const host = '127.0.0.1';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(messages: CaughtMessage[]): string {
  const rows = messages
    .map((m) => `<tr><td>${m.receivedAt.toISOString()}</td><td>${escapeHtml(m.from)}</td><td>${escapeHtml(m.to.join(', '))}</td>` +
      `<td><details><summary>${escapeHtml(m.subject)}</summary><pre>${escapeHtml(m.text)}</pre></details></td></tr>`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>SMTP catcher</title></head><body>
<h1>Caught mail (${messages.length})</h1>
<table border="1" cellpadding="4"><tr><th>Received</th><th>From</th><th>To</th><th>Subject</th></tr>
${rows}
</table></body></html>`;
}

function listen(server: net.Server, port: number) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new Error(`SMTP catcher could not listen on ${host}:${port}: ${error.message}`)));
    server.once('listening', () => resolve());
    server.listen(port, host);
  });
}

/** A local SMTP server for demo mode and tests: accepts any mail on loopback and keeps it in memory. */
export async function startSmtpCatcher({ smtpPort, httpPort }: { smtpPort: number; httpPort?: number }): Promise<SmtpCatcher> {
  let caught: CaughtMessage[] = [];
  let nextId = 1;
  const waiters = new Set<(m: CaughtMessage) => void>();

  const smtp = new SMTPServer({
    authOptional: true,
    // Plain SMTP on loopback; accept whatever credentials an SMTP_URL carries instead of failing the send.
    allowInsecureAuth: true,
    onAuth: (auth, _session, callback) => callback(null, { user: auth.username ?? 'anonymous' }),
    // Clients would otherwise upgrade to TLS and reject the self-signed certificate.
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 1000,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (parsed) => {
          const message: CaughtMessage = {
            id: nextId++,
            messageId: parsed.messageId,
            from: parsed.from?.value[0]?.address ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ''),
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: parsed.html === false ? undefined : parsed.html,
            receivedAt: new Date(),
          };
          caught.push(message);
          for (const notify of waiters) notify(message);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  // SMTPServer re-emits connection errors (a client resetting, say); unhandled they would crash the process.
  smtp.on('error', () => {});
  await listen(smtp.server, smtpPort);
  const boundSmtpPort = (smtp.server.address() as net.AddressInfo).port;

  let web: http.Server | undefined;
  if (httpPort !== undefined) {
    web = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://catcher');
      if (req.method === 'GET' && url.pathname === '/messages') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(caught));
      } else if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(caught));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
      }
    });
    try {
      await listen(web, httpPort);
    } catch (error) {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      throw error;
    }
  }

  return {
    smtpUrl: `smtp://${host}:${boundSmtpPort}`,
    smtpPort: boundSmtpPort,
    uiUrl: web ? `http://${host}:${(web.address() as net.AddressInfo).port}` : undefined,
    messages: () => [...caught],
    waitFor(predicate, timeoutMs = 10_000) {
      const already = caught.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const onMessage = (m: CaughtMessage) => {
          if (!predicate(m)) return;
          waiters.delete(onMessage);
          clearTimeout(timer);
          resolve(m);
        };
        const timer = setTimeout(() => {
          waiters.delete(onMessage);
          const subjects = caught.map((m) => JSON.stringify(m.subject)).join(', ') || 'none';
          reject(new Error(`No matching mail within ${timeoutMs} ms; received subjects: ${subjects}`));
        }, timeoutMs);
        waiters.add(onMessage);
      });
    },
    clear: () => {
      caught = [];
    },
    stop: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      if (web) {
        web.closeAllConnections();
        await new Promise<void>((resolve) => web!.close(() => resolve()));
      }
    },
  };
}
