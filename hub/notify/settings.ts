/** Who hears of incidents, how (email, webhooks) and when (quiet hours). */
import convict from 'convict';
import { PROVINCE_TIME_ZONE } from '../../shared/province-time.js';
import { severities } from '../../shared/schemas.js';
import { allProblems, positive } from '../../shared/settings.js';
import type { WebhookTarget } from './notify-routing.js';

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

// A named format, for its coercion: the variable lists the addresses separated by commas.
convict.addFormat({
  name: 'email-list',
  validate: allProblems((value) =>
    Array.isArray(value)
      ? value
          .filter((v) => typeof v !== 'string' || !EMAIL.test(v))
          .map((v) => `"${v}" is not an email address`)
      : ['must be a list of email addresses'],
  ),
  coerce: (v: string) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
});

function localTimeOrEmpty(value: unknown): void {
  if (value !== '' && (typeof value !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value)))
    throw new Error('must be a local time HH:mm (22:00) or empty');
}

function webhookProblems(value: unknown): string[] {
  if (!Array.isArray(value)) return ['must be a list of {url, minSeverity}'];
  return value.flatMap((w: { url?: unknown; minSeverity?: unknown } | null, i) => [
    ...(typeof w?.url === 'string' && /^https?:\/\/\S+$/.test(w.url)
      ? []
      : [`[${i}].url must be an http(s) URL`]),
    ...((severities as readonly unknown[]).includes(w?.minSeverity)
      ? []
      : [`[${i}].minSeverity must be one of ${severities.join(', ')}`]),
  ]);
}

export const notifySettings = {
  operatorEmails: {
    doc: 'Addresses of the operator (Sở TT&TT) that hear of every incident; comma-separated in the variable.',
    format: 'email-list',
    default: [] as string[],
    env: 'HNTH_NOTIFY_OPERATOR_EMAILS',
  },
  minSeverity: {
    doc: 'Least severity that is emailed: info, warning or critical.',
    format: severities,
    default: 'warning',
  },
  quietHoursStart: {
    doc: `Start of quiet hours (HH:mm, ${PROVINCE_TIME_ZONE}); only critical incidents are sent then, the others are postponed to one digest per recipient at the end. Empty: none.`,
    format: localTimeOrEmpty,
    default: '',
  },
  quietHoursEnd: {
    doc: `End of quiet hours (HH:mm, ${PROVINCE_TIME_ZONE}), when the postponed notices go out.`,
    format: localTimeOrEmpty,
    default: '',
  },
  postponedCheckSec: {
    doc: 'How often notices postponed by quiet hours are checked for being due, so a digest goes out this soon after the end.',
    format: positive,
    default: 60,
  },
  smtp: {
    host: {
      doc: 'SMTP relay for email; empty to send none (they are logged as skipped).',
      format: String,
      default: '',
      env: 'HNTH_SMTP_HOST',
    },
    port: { doc: 'Port of the SMTP relay.', format: 'port', default: 587, env: 'HNTH_SMTP_PORT' },
    secure: {
      doc: 'TLS from the start (port 465); false uses STARTTLS when the relay offers it.',
      format: Boolean,
      default: false,
      env: 'HNTH_SMTP_SECURE',
    },
    user: { doc: 'SMTP username; empty for none.', format: String, default: '', env: 'HNTH_SMTP_USER' },
    password: {
      doc: 'SMTP password.',
      format: String,
      default: '',
      sensitive: true,
      env: 'HNTH_SMTP_PASSWORD',
    },
    from: {
      doc: 'Sender of the hub’s email.',
      format: String,
      default: 'hnth@localhost',
      env: 'HNTH_SMTP_FROM',
    },
  },
  webhooks: {
    doc: 'Webhooks that receive incidents, rehearsal verdicts and escalations as JSON (without meeting titles): [{"url": "https://…", "minSeverity": "warning"}].',
    format: allProblems(webhookProblems),
    default: [] as WebhookTarget[],
    // A webhook's URL often carries its token: a refused list is not echoed.
    sensitive: true,
  },
  webhookAttempts: { doc: 'Attempts per webhook delivery.', format: 'nat', default: 4 },
  webhookBackoffMs: {
    doc: 'Wait before the second webhook attempt; doubled after each failure.',
    format: 'nat',
    default: 2000,
  },
  webhookTimeoutMs: { doc: 'Timeout of one webhook attempt.', format: 'nat', default: 5000 },
};
