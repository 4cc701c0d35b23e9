/**
 * The peers notifications go to, real and on ephemeral ports: an SMTP server (smtp-server) that
 * keeps what it receives, and an HTTP receiver for webhooks. `readMail` decodes a received message
 * (headers folded, encoded-word subject, quoted-printable or base64 body) so tests read its words.
 */
import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';

export interface Mail {
  from: string;
  to: string[];
  data: string;
}

/** A real SMTP server on an ephemeral port; addresses starting with `gone` are refused with 550. */
export async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('gone')) {
        return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data: Buffer.concat(chunks).toString(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (typeof address !== 'object' || !address) throw new Error('no smtp port');
  return { port: address.port, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** An HTTP receiver that answers `failStatus` to the first `failFirst` requests, then 204. */
export async function startReceiver(failFirst: number, failStatus = 503) {
  const received: { attempt: number; body: Record<string, unknown> }[] = [];
  let attempts = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      received.push({ attempt: attempts, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.statusCode = attempts <= failFirst ? failStatus : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/hook`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function qpBytes(s: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-F]{2}$/i.test(s.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!));
  }
  return Buffer.from(bytes);
}

/** RFC 2047: adjacent encoded words are joined byte-wise, since a character may span two. */
function decodeWords(header: string): string {
  return header.replace(/(=\?[^?]+\?[QB]\?[^?]*\?=\s*)+/gi, (run) => {
    const words = [...run.matchAll(/=\?[^?]+\?([QB])\?([^?]*)\?=/gi)];
    const bytes = words.map(([, kind, body]) =>
      kind!.toUpperCase() === 'B' ? Buffer.from(body!, 'base64') : qpBytes(body!.replace(/_/g, ' ')),
    );
    const trailing = /\s+$/.exec(run)?.[0] ?? '';
    return Buffer.concat(bytes).toString('utf8') + trailing;
  });
}

/** The subject and the text of a single-part message, decoded. */
export function readMail(mail: Mail): { subject: string; text: string } {
  const split = mail.data.indexOf('\r\n\r\n');
  const head = mail.data.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = mail.data.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'quoted-printable'
      ? qpBytes(body.replace(/=\r\n/g, '')).toString('utf8')
      : encoding === 'base64'
        ? Buffer.from(body, 'base64').toString('utf8')
        : body;
  return { subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n') };
}

/** The mails to `to` whose subject has `subject` in it, read. */
export function mailsTo(
  mails: readonly Mail[],
  to: string,
  subject: string,
): { subject: string; text: string }[] {
  return mails
    .filter((m) => m.to.includes(to))
    .map(readMail)
    .filter((m) => m.subject.includes(subject));
}
