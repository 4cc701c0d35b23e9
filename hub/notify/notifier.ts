/**
 * Sends each incident's notifications (on opening and on closing) to whoever the routing names, and
 * a meeting's notices (addressed by meeting-notices.ts), over email and webhooks; records every
 * delivery with its result, and counts them for metrics. Sending never blocks its caller and never
 * throws: a failed delivery is a stored result.
 *
 * A delivery the routing postpones (quiet hours) is stored, and a timer sends what has come due:
 * each recipient gets one digest per channel with the night's notices, not a burst at 06:00. The
 * timer also runs at start-up, for what fell due while the hub was down.
 */
import { type Clock, systemClock } from '../../shared/clock.js';
import type { Fleet } from '../../shared/fleet.js';
import type { Logger } from '../../shared/logger.js';
import type { Severity } from '../../shared/schemas.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import { causeFault } from '../incidents/incident-rules.js';
import type { Incident } from '../incidents/incidents-repo.js';
import { digestText, noticeText } from './notice-text.js';
import type {
  DueDelivery,
  FinishedStatus,
  NotificationRecord,
  NotificationsRepo,
  NotificationTopic,
} from './notifications-repo.js';
import { type Delivery, type Notice, type RoutingConfig, routeNotice } from './notify-routing.js';
import type { EmailChannel, SendResult } from './smtp-channel.js';
import { postWebhook, type WebhookOptions } from './webhook-channel.js';

type Counts = { email: number; webhook: number };

export interface NotifyCounters {
  sent: Counts;
  failed: Counts;
  skipped: Counts;
  /** Held back by quiet hours; each is counted again as sent or failed once its digest goes out. */
  postponed: Counts;
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
  /** The webhook's wait between attempts (postWebhook's own by default); tests make it instant. */
  sleep?: Clock['sleep'];
  /** Times of deliveries and postponements, and the due check's timer. */
  clock?: Clock;
  /** How often postponed deliveries are checked for being due; 60 s when not given. */
  dueCheckMs?: number;
}

const NO_SMTP = 'no SMTP relay configured (notify.smtp.host)';

/** A meeting's notice, addressed and written for each of its readers (title or not). */
export interface Letter {
  topic: Exclude<NotificationTopic, 'incident'>;
  event: string;
  meetingId: string;
  ref: string | null;
  severity: Severity;
  /** `roomId`: the room of the technician a copy is addressed to; null for the other readers. */
  deliveries: {
    delivery: Delivery;
    roomId: string | null;
    subject: string;
    text: string;
    webhookBody: object;
  }[];
}

/** A row of the notification log before its delivery is tried. */
type PendingRow = Omit<NotificationRecord, 'id' | 'dueAt' | 'finishedAt' | 'status' | 'attempts' | 'error'>;

export function noticeOf(incident: Incident, event: Notice['event']): Notice {
  return {
    incidentId: incident.id,
    event,
    roomId: incident.roomId,
    cause: incident.cause,
    faultKind: causeFault[incident.cause],
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
    postponed: { email: 0, webhook: 0 },
  };
  private readonly pending = new Set<Promise<void>>();
  private readonly clock: () => Date;
  private readonly timers: Clock;
  private timer: unknown = null;
  /** The digests under way; the timer does not start another pass over the same rows meanwhile. */
  private sendingDue: Promise<void> | null = null;

  constructor(private readonly deps: NotifierDeps) {
    this.timers = deps.clock ?? systemClock;
    this.clock = this.timers.now;
  }

  /** Sends what fell due while the hub was down, then checks for due deliveries on a timer. */
  start(): void {
    if (this.timer) return;
    this.sendDue();
    this.timer = this.timers.setInterval(() => this.sendDue(), this.deps.dueCheckMs ?? 60_000);
  }

  /** Stops the timer; `idle()` then waits for the digests already under way. */
  stop(): void {
    if (this.timer) this.timers.clearInterval(this.timer);
    this.timer = null;
  }

  /** Starts sending; `idle()` resolves once everything started so far is done. */
  notify(notice: Notice): void {
    this.track(this.sendNotice(notice), { notice });
  }

  /**
   * Starts sending a meeting's notice. It goes out at once, in quiet hours too: it is about a time
   * that is coming (a booking two days ahead, a rehearsal's verdict, an escalation an hour before).
   */
  send(letter: Letter): void {
    this.track(this.sendLetter(letter), { topic: letter.topic, meeting: letter.meetingId });
  }

  /** Starts sending the digests of the postponed deliveries due now, unless a pass is under way. */
  sendDue(): void {
    if (this.sendingDue) return;
    const job = this.sendDigests().finally(() => {
      this.sendingDue = null;
    });
    this.sendingDue = job;
    this.track(job, { digests: true });
  }

  private track(work: Promise<void>, context: object): void {
    const job = work.catch((err: Error) =>
      this.deps.log.error({ err: err.message, ...context }, 'notification failed unexpectedly'),
    );
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async sendNotice(notice: Notice): Promise<void> {
    const createdAt = this.clock();
    const contacts = await this.deps.contacts.contactsFor(notice.roomId, notice.faultKind);
    const deliveries = routeNotice(notice, contacts, this.deps.routing, createdAt);
    const room = notice.roomId ? this.deps.fleet.find(notice.roomId) : undefined;
    const { subject, text } = noticeText(notice, room);
    await Promise.all(
      deliveries.map(async (d) => {
        const row: PendingRow = {
          createdAt: createdAt.toISOString(),
          topic: 'incident',
          incidentId: notice.incidentId,
          meetingId: null,
          roomId: notice.roomId,
          ref: null,
          event: notice.event,
          severity: notice.severity,
          channel: d.channel,
          role: d.channel === 'email' ? d.role : null,
          target: d.to,
          subject,
        };
        // Without an SMTP relay an email would never go out, so it is skipped now, not held back.
        if (d.postponeUntil && !(d.channel === 'email' && !this.deps.email)) {
          await this.deps.repo.postpone(row, d.postponeUntil, notice);
          this.counters.postponed[d.channel]++;
          return;
        }
        await this.deliverAndRecord(row, d, text, { ...notice, subject, text });
      }),
    );
  }

  private async sendLetter(letter: Letter): Promise<void> {
    const createdAt = this.clock().toISOString();
    await Promise.all(
      letter.deliveries.map(({ delivery: d, roomId, subject, text, webhookBody }) =>
        this.deliverAndRecord(
          {
            createdAt,
            topic: letter.topic,
            incidentId: null,
            meetingId: letter.meetingId,
            roomId,
            ref: letter.ref,
            event: letter.event,
            severity: letter.severity,
            channel: d.channel,
            role: d.channel === 'email' ? d.role : null,
            target: d.to,
            subject,
          },
          d,
          text,
          webhookBody,
        ),
      ),
    );
  }

  /** Tries one delivery now and stores its result. */
  private async deliverAndRecord(
    row: PendingRow,
    d: Delivery,
    text: string,
    webhookBody: object,
  ): Promise<void> {
    const result = await this.deliver(d, row.subject, text, webhookBody);
    const status =
      d.skip || (d.channel === 'email' && !this.deps.email) ? 'skipped' : result.ok ? 'sent' : 'failed';
    this.counters[status][d.channel]++;
    if (result.permanent && d.channel === 'email' && d.role !== 'operator') await this.bounced(d.to);
    await this.deps.repo.insert({
      ...row,
      status,
      attempts: result.attempts,
      error: result.error ?? null,
      finishedAt: this.clock().toISOString(),
    });
    if (status === 'failed')
      this.deps.log.warn({ to: d.to, channel: d.channel, error: result.error }, 'notification not delivered');
  }

  /** One digest per recipient and channel for the postponed deliveries now due. */
  private async sendDigests(): Promise<void> {
    const due = await this.deps.repo.due(this.clock().toISOString());
    const byRecipient = new Map<string, DueDelivery[]>();
    for (const d of due) {
      const key = `${d.channel} ${d.target}`;
      byRecipient.set(key, [...(byRecipient.get(key) ?? []), d]);
    }
    await Promise.all([...byRecipient.values()].map((rows) => this.sendDigest(rows)));
  }

  private async sendDigest(rows: DueDelivery[]): Promise<void> {
    const { channel, target } = rows[0]!;
    const { subject, text, notices } = digestText(
      rows.map((r) => ({
        notice: r.notice,
        room: r.notice.roomId ? this.deps.fleet.find(r.notice.roomId) : undefined,
      })),
    );
    let result: SendResult;
    if (channel === 'webhook') {
      const payload = { kind: 'quiet-hours-digest', subject, text, notices };
      result = await postWebhook(target, payload, this.deps.webhook, this.deps.sleep);
    } else if (this.deps.email) {
      result = await this.deps.email.send(target, subject, text);
    } else {
      result = { ok: false, attempts: 0, error: NO_SMTP };
    }
    const status: FinishedStatus =
      channel === 'email' && !this.deps.email ? 'skipped' : result.ok ? 'sent' : 'failed';
    this.counters[status][channel] += rows.length;
    if (result.permanent && channel === 'email' && rows.some((r) => r.role !== 'operator'))
      await this.bounced(target);
    await this.deps.repo.finish(
      rows.map((r) => r.id),
      {
        status,
        attempts: result.attempts,
        error: result.error ?? null,
        finishedAt: this.clock().toISOString(),
      },
    );
    if (status === 'failed')
      this.deps.log.warn({ to: target, channel, error: result.error }, 'quiet-hours digest not delivered');
  }

  /** Art. 4.3: an address that bounces belongs to someone who moved; flag it for replacement. */
  private async bounced(email: string): Promise<void> {
    await this.deps.contacts.repo.markBounced(email);
  }

  private async deliver(
    d: Delivery,
    subject: string,
    text: string,
    webhookBody: object,
  ): Promise<SendResult> {
    if (d.skip) return { ok: false, attempts: 0, error: d.skip };
    if (d.channel === 'webhook') {
      return postWebhook(d.to, webhookBody, this.deps.webhook, this.deps.sleep);
    }
    if (!this.deps.email) return { ok: false, attempts: 0, error: NO_SMTP };
    return this.deps.email.send(d.to, subject, text);
  }
}
