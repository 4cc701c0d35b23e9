/**
 * Sends each incident's notifications (on opening and on closing) to whoever the routing names,
 * over email and webhooks, records every delivery with its result, and counts them for metrics.
 * Sending never blocks the incident tracker and never throws: a failed delivery is a stored result.
 */
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import { causeFaultKind } from '../incidents/incident-rules.js';
import type { Incident } from '../incidents/incidents-repo.js';
import { noticeText } from './notice-text.js';
import type { NotificationsRepo } from './notifications-repo.js';
import { type Delivery, type Notice, type RoutingConfig, routeNotice } from './notify-routing.js';
import type { EmailChannel, SendResult } from './smtp-channel.js';
import { postWebhook, realSleep, type Sleep, type WebhookOptions } from './webhook-channel.js';

type Counts = { email: number; webhook: number };

export interface NotifyCounters {
  sent: Counts;
  failed: Counts;
  skipped: Counts;
}

export interface NotifierDeps {
  repo: NotificationsRepo;
  contacts: ContactDirectory;
  /** The rooms, for their names in the text. */
  fleet: Fleet;
  /** null when no SMTP relay is configured: emails are recorded as skipped. */
  email: EmailChannel | null;
  routing: RoutingConfig;
  webhook: WebhookOptions;
  log: Logger;
  sleep?: Sleep;
  clock?: () => Date;
}

export function noticeOf(incident: Incident, event: Notice['event']): Notice {
  return {
    incidentId: incident.id,
    event,
    roomId: incident.roomId,
    cause: incident.cause,
    faultKind: causeFaultKind[incident.cause],
    severity: incident.severity,
    at: event === 'opened' ? incident.openedAt : (incident.closedAt ?? incident.openedAt),
    recoverSec: incident.recoverSec,
  };
}

export class Notifier {
  readonly counters: NotifyCounters = {
    sent: { email: 0, webhook: 0 },
    failed: { email: 0, webhook: 0 },
    skipped: { email: 0, webhook: 0 },
  };
  private readonly pending = new Set<Promise<void>>();
  private readonly clock: () => Date;

  constructor(private readonly deps: NotifierDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Starts sending; `idle()` resolves once everything started so far is done. */
  notify(notice: Notice): void {
    const job = this.send(notice).catch((err: Error) =>
      this.deps.log.error({ err: err.message, notice }, 'notification failed unexpectedly'),
    );
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async send(notice: Notice): Promise<void> {
    const createdAt = this.clock();
    const contacts = this.deps.contacts.contactsFor(notice.roomId, notice.faultKind);
    const deliveries = routeNotice(notice, contacts, this.deps.routing, createdAt);
    const room = notice.roomId ? this.deps.fleet.find(notice.roomId) : undefined;
    const { subject, text } = noticeText(notice, room);
    await Promise.all(
      deliveries.map(async (d) => {
        const result = await this.deliver(d, notice, subject, text);
        const status =
          d.skip || (d.channel === 'email' && !this.deps.email) ? 'skipped' : result.ok ? 'sent' : 'failed';
        this.counters[status][d.channel]++;
        if (result.permanent && d.channel === 'email' && d.role !== 'operator') {
          // Art. 4.3: an address that bounces belongs to someone who moved; flag it for replacement.
          this.deps.contacts.repo.markBounced(d.to);
        }
        this.deps.repo.insert({
          createdAt: createdAt.toISOString(),
          incidentId: notice.incidentId,
          event: notice.event,
          severity: notice.severity,
          channel: d.channel,
          role: d.channel === 'email' ? d.role : null,
          target: d.to,
          subject,
          status,
          attempts: result.attempts,
          error: result.error ?? null,
          finishedAt: this.clock().toISOString(),
        });
        if (status === 'failed')
          this.deps.log.warn(
            { to: d.to, channel: d.channel, error: result.error },
            'notification not delivered',
          );
      }),
    );
  }

  private async deliver(d: Delivery, notice: Notice, subject: string, text: string): Promise<SendResult> {
    if (d.skip) return { ok: false, attempts: 0, error: d.skip };
    if (d.channel === 'webhook') {
      return postWebhook(d.to, { ...notice, subject, text }, this.deps.webhook, this.deps.sleep ?? realSleep);
    }
    if (!this.deps.email)
      return { ok: false, attempts: 0, error: 'no SMTP relay configured (notify.smtp.host)' };
    return this.deps.email.send(d.to, subject, text);
  }
}
