/**
 * A meeting's notices reach people (art. 8.1, 9.3, 11.1): its booking, change or cancellation goes
 * to the department, the partners and every room's technician; each rehearsal's verdict to the
 * department, the host room and the rooms that fail (and the partner who must fix a line or the
 * mains); an escalation to the department and whoever must act. The title only to those who may
 * read it (art. 13.1c): the department and the technicians of the meeting's rooms; partners and
 * webhooks read "Cuộc họp". Every delivery lands in the notification log, its meeting named.
 */
import type { Logger } from '../../shared/logger.js';
import type { Severity } from '../../shared/schemas.js';
import type { ContactDirectory, ContactView, PartnerContacts } from '../contacts/contact-directory.js';
import type { Meeting } from '../schedule/meeting-rules.js';
import type { MeetingsRepo, NotificationEvent } from '../schedule/meetings-repo.js';
import type { Recipient } from '../schedule/notify-list.js';
import { latestAttempts } from '../schedule/rehearsal-report.js';
import type { Verdict } from '../schedule/rehearsal-verdict.js';
import type { Escalation, Rehearsal, RehearsalsRepo } from '../schedule/rehearsals-repo.js';
import {
  bookingText,
  escalationText,
  type NoticeContext,
  type NoticeReader,
  type NoticeText,
  verdictText,
} from './meeting-notice-text.js';
import type { NotificationsRepo } from './notifications-repo.js';
import type { Letter, Notifier } from './notifier.js';
import type { Delivery, WebhookTarget } from './notify-routing.js';

export interface Addressee {
  delivery: Delivery;
  reader: NoticeReader;
}

/** Where the people a notice names are found. */
export interface AddressBook {
  operatorEmails: readonly string[];
  technician(roomId: string): ContactView | null;
  partner(partnerId: string): PartnerContacts;
  webhooks: readonly WebhookTarget[];
}

const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };
const OPERATOR: NoticeReader = { titled: true, roomId: null };
const OUTSIDER: NoticeReader = { titled: false, roomId: null };

function addressOf(r: Recipient, meetingRoomIds: readonly string[], book: AddressBook): Addressee[] {
  switch (r.kind) {
    case 'operator':
      return book.operatorEmails.map((to) => ({
        delivery: { channel: 'email', role: 'operator', to, name: 'Sở TT&TT' },
        reader: OPERATOR,
      }));
    case 'room-technician': {
      const t = book.technician(r.roomId);
      const reader = { titled: meetingRoomIds.includes(r.roomId), roomId: r.roomId };
      if (!t)
        return [
          {
            delivery: {
              channel: 'email',
              role: 'technician',
              to: '',
              name: '',
              skip: 'no technician on file',
            },
            reader,
          },
        ];
      return [
        {
          delivery: {
            channel: 'email',
            role: 'technician',
            to: t.email,
            name: t.name,
            ...(t.bounced ? { skip: 'email bounced' } : {}),
          },
          reader,
        },
      ];
    }
    case 'partner': {
      const { contact: c, partnerName } = book.partner(r.partnerId);
      if (!c)
        return [
          {
            delivery: {
              channel: 'email',
              role: 'partner',
              to: '',
              name: partnerName,
              skip: 'no on-call contact on file',
            },
            reader: OUTSIDER,
          },
        ];
      return [
        {
          delivery: {
            channel: 'email',
            role: 'partner',
            to: c.email,
            name: `${c.name}, ${partnerName}`,
            ...(c.bounced ? { skip: 'email bounced' } : {}),
          },
          reader: OUTSIDER,
        },
      ];
    }
  }
}

/**
 * Who receives a notice and what each may read. Pure. One copy per address: a person on file for
 * two rooms (or as a technician and an operator) gets one, with the title if either lets them read
 * it. Webhooks get the notices that reach their minimum severity, without the title.
 */
export function addressMeetingNotice(
  recipients: readonly Recipient[],
  meetingRoomIds: readonly string[],
  book: AddressBook,
  severity: Severity | null,
): Addressee[] {
  const byAddress = new Map<string, Addressee>();
  const skipped: Addressee[] = [];
  const unique = new Map(recipients.map((r) => [JSON.stringify(r), r]));
  for (const a of [...unique.values()].flatMap((r) => addressOf(r, meetingRoomIds, book))) {
    if (a.delivery.skip && !a.delivery.to) {
      skipped.push(a);
      continue;
    }
    const key = a.delivery.to.toLowerCase();
    const seen = byAddress.get(key);
    if (!seen) byAddress.set(key, a);
    else if (a.reader.titled && !seen.reader.titled) byAddress.set(key, a);
  }
  const webhooks: Addressee[] =
    severity === null
      ? []
      : book.webhooks
          .filter((w) => rank[severity] >= rank[w.minSeverity])
          .map((w) => ({ delivery: { channel: 'webhook', to: w.url }, reader: OUTSIDER }));
  return [...byAddress.values(), ...skipped, ...webhooks];
}

const verdictSeverity: Record<Verdict, Severity> = { go: 'info', 'at-risk': 'warning', 'no-go': 'critical' };

/** The address book of the contacts on file now, the operators' addresses and the webhooks. */
export function addressBook(
  contacts: Pick<ContactDirectory, 'book'>,
  operatorEmails: readonly string[],
  webhooks: readonly WebhookTarget[],
): () => Promise<AddressBook> {
  return async () => {
    const { technician, partner } = await contacts.book();
    return { operatorEmails, technician, partner, webhooks };
  };
}

export interface MeetingNoticesDeps {
  notifier: Pick<Notifier, 'send'>;
  /** The address book as it is now, read for each notice. */
  book: () => Promise<AddressBook>;
  meetings: Pick<MeetingsRepo, 'get'>;
  rehearsals: Pick<RehearsalsRepo, 'attempts'>;
  /** The notification log: a restarted hub does not send a verdict it already sent. */
  sent: Pick<NotificationsRepo, 'lastEvent'>;
  context: NoticeContext;
  log: Logger;
}

/**
 * Notices are prepared one after another, in the order their news came: preparing one reads the
 * store (the contacts, the log of verdicts sent), and a verdict must be checked against the one
 * before it has been announced, not while it is.
 */
export class MeetingNotices {
  /** The last verdict announced per rehearsal, before its deliveries are stored. */
  private readonly announced = new Map<string, Verdict>();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly deps: MeetingNoticesDeps) {}

  /** Resolves once the notices of the news heard so far have been handed to the notifier. */
  idle(): Promise<void> {
    return this.queue;
  }

  private next(work: () => Promise<void>, context: object): void {
    this.queue = this.queue
      .then(work)
      .catch((err: Error) =>
        this.deps.log.error({ err: err.message, ...context }, 'meeting notice not sent'),
      );
  }

  /** Art. 8.1: a booking, change or cancellation, to the list the calendar stored with it. */
  booked(event: NotificationEvent, meeting: Meeting, recipients: readonly Recipient[]): void {
    this.next(() => this.sendBooked(event, meeting, recipients), { meeting: meeting.id, event });
  }

  /**
   * Art. 9.3: a rehearsal's verdict once every room has answered, and again when re-checks end
   * with another verdict (a room repaired before the meeting).
   */
  rehearsal(r: Rehearsal): void {
    this.next(() => this.sendVerdict(r), { rehearsal: r.id });
  }

  /** Art. 11.1: a room that cannot carry its meeting, to the department and whoever must act. */
  escalated(e: Escalation): void {
    this.next(() => this.sendEscalation(e), { escalation: e.id });
  }

  private async sendBooked(
    event: NotificationEvent,
    meeting: Meeting,
    recipients: readonly Recipient[],
  ): Promise<void> {
    const severity: Severity = meeting.emergency ? 'critical' : 'info';
    // Booking notices are letters to people, not alerts: webhooks hear of verdicts and escalations.
    const book = await this.deps.book();
    const to = addressMeetingNotice([{ kind: 'operator' }, ...recipients], meeting.roomIds, book, null);
    this.send({ topic: 'meeting', event, meetingId: meeting.id, ref: null, severity }, to, (reader) =>
      bookingText(event, meeting, this.deps.context, reader),
    );
  }

  private async sendVerdict(r: Rehearsal): Promise<void> {
    if (r.kind !== 'rehearsal' || !r.meetingId || !r.checkedAt || !r.verdict) return;
    if (r.status === 'superseded' || r.status === 'cancelled') return;
    const last =
      this.announced.get(r.id) ?? ((await this.deps.sent.lastEvent('verdict', r.id)) as Verdict | null);
    const again = last !== null;
    if (again && (r.status !== 'done' || last === r.verdict)) return;
    const meeting = await this.deps.meetings.get(r.meetingId);
    if (meeting?.status !== 'scheduled') return;
    this.announced.set(r.id, r.verdict);
    const verdict = r.verdict;
    const attempts = await this.deps.rehearsals.attempts(r.id);
    const latest = [...latestAttempts(r.roomIds, attempts).values()];
    // Whoever was told of a failure in this run hears how it ended: a room repaired, a line restored.
    const failed = attempts.filter((a) => a.verdict !== 'go');
    const recipients: Recipient[] = [
      { kind: 'operator' },
      ...(r.hostRoomId ? [{ kind: 'room-technician', roomId: r.hostRoomId } as const] : []),
      ...failed.map((a): Recipient => ({ kind: 'room-technician', roomId: a.roomId })),
      ...failed.flatMap((a) => a.failures.flatMap((f) => f.responsible)),
    ];
    const severity = verdictSeverity[verdict];
    const to = addressMeetingNotice(recipients, meeting.roomIds, await this.deps.book(), severity);
    this.send(
      { topic: 'verdict', event: verdict, meetingId: meeting.id, ref: r.id, severity },
      to,
      (reader) => verdictText({ ...r, verdict }, latest, meeting, again, this.deps.context, reader),
    );
  }

  private async sendEscalation(e: Escalation): Promise<void> {
    if (!e.meetingId) return;
    const meeting = await this.deps.meetings.get(e.meetingId);
    if (!meeting) return;
    const recipients: Recipient[] = [{ kind: 'operator' }, ...e.failures.flatMap((f) => f.responsible)];
    const to = addressMeetingNotice(recipients, meeting.roomIds, await this.deps.book(), 'critical');
    this.send(
      {
        topic: 'escalation',
        event: 'escalated',
        meetingId: meeting.id,
        ref: String(e.id),
        severity: 'critical',
      },
      to,
      (reader) => escalationText(e, meeting, this.deps.context, reader),
    );
  }

  private send(
    letter: Omit<Letter, 'deliveries'>,
    to: readonly Addressee[],
    write: (reader: NoticeReader) => NoticeText,
  ): void {
    if (to.length === 0) return;
    const copies = new Map<string, NoticeText>();
    const copy = (reader: NoticeReader) => {
      const key = `${reader.titled}|${reader.roomId}`;
      const known = copies.get(key);
      if (known) return known;
      const text = write(reader);
      copies.set(key, text);
      return text;
    };
    this.deps.notifier.send({
      ...letter,
      deliveries: to.map(({ delivery, reader }) => {
        const { subject, text } = copy(reader);
        return {
          delivery,
          // A technician's reader is their room's: the log and the banner name it.
          roomId: reader.roomId,
          subject,
          text,
          webhookBody: {
            topic: letter.topic,
            event: letter.event,
            meetingId: letter.meetingId,
            severity: letter.severity,
            subject,
            text,
          },
        };
      }),
    });
  }
}
