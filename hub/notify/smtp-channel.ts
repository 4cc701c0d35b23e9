/**
 * Email through an SMTP relay (the province's mail server), with nodemailer. A failure is a result:
 * `permanent` when the server refused the address for good (5xx), which flags the contact bounced.
 *
 * Example config: `{"notify": {"smtp": {"host": "mail.tuyenquang.gov.vn", "port": 587,
 * "from": "hnth@tuyenquang.gov.vn"}}}` with the password in `HNTH_SMTP_PASSWORD`.
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface SmtpConfig {
  /** Empty: no email is sent (each one is logged as skipped). */
  host: string;
  port: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user: string;
  password: string;
  from: string;
}

export interface SendResult {
  ok: boolean;
  attempts: number;
  error?: string;
  /** The server refused the address for good: the contact's email bounced. */
  permanent?: boolean;
}

export interface EmailChannel {
  send(to: string, subject: string, text: string): Promise<SendResult>;
  close(): void;
}

export class SmtpChannel implements EmailChannel {
  private readonly transport: Transporter;

  private readonly from: string;

  constructor(config: SmtpConfig) {
    this.from = config.from;
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      ...(config.user ? { auth: { user: config.user, pass: config.password } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
  }

  async send(to: string, subject: string, text: string): Promise<SendResult> {
    try {
      const info = await this.transport.sendMail({ from: this.from, to, subject, text });
      if ((info.rejected ?? []).length > 0)
        return { ok: false, attempts: 1, error: `rejected ${to}`, permanent: true };
      return { ok: true, attempts: 1 };
    } catch (err) {
      const e = err as Error & { responseCode?: number };
      const permanent = e.responseCode !== undefined && e.responseCode >= 500 && e.responseCode < 600;
      return { ok: false, attempts: 1, error: e.message, permanent };
    }
  }

  close(): void {
    this.transport.close();
  }
}
