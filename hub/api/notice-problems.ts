/**
 * Why incident notices do not reach people, as codes the dashboard says in words: nobody on file
 * for the room or the partner, an address that bounced, no SMTP relay, no operator address at all,
 * a delivery that failed after its retries. Pure: from the stored deliveries (their `error` is the
 * notifier's English reason) and the notification settings. The banner on every page of an operator
 * and the notification log both read it.
 *
 * @pure: the dashboard bundles it, so it imports only shared/ and other @pure modules (types aside).
 */
import type { NotificationRecord } from '../notify/notifications-repo.js';

export const noticeProblemCodes = [
  'no-operator-address',
  'no-smtp',
  'no-technician',
  'no-partner-contact',
  'bounced',
  'delivery-failed',
] as const;
export type NoticeProblemCode = (typeof noticeProblemCodes)[number];

/** The reason of one delivery that did not go out, or null for one that was sent or is waiting. */
export function deliveryProblem(
  r: Pick<NotificationRecord, 'status' | 'error'>,
): Exclude<NoticeProblemCode, 'no-operator-address'> | null {
  if (r.status === 'failed') return 'delivery-failed';
  if (r.status !== 'skipped') return null;
  const error = r.error ?? '';
  if (/no SMTP relay/i.test(error)) return 'no-smtp';
  if (/no technician on file/i.test(error)) return 'no-technician';
  if (/no on-call contact/i.test(error)) return 'no-partner-contact';
  if (/bounced/i.test(error)) return 'bounced';
  return 'delivery-failed';
}

export interface NoticeSetup {
  operatorEmails: number;
  smtp: boolean;
}

export interface NoticeProblem {
  code: NoticeProblemCode;
  /** Deliveries it stopped in the window (0 for a setting that is missing). */
  count: number;
  lastAt: string | null;
  /** The rooms it concerns where it is a room's (a technician missing or bounced). */
  roomIds: string[];
}

/**
 * What went wrong with the deliveries made since `since`, most frequent first, and the settings that
 * stop notices before any delivery is even recorded (no operator address, no SMTP relay).
 */
export function noticeProblems(
  records: readonly Pick<NotificationRecord, 'status' | 'error' | 'createdAt' | 'roomId'>[],
  setup: NoticeSetup,
  since: Date,
): NoticeProblem[] {
  const found = new Map<NoticeProblemCode, NoticeProblem>();
  const note = (code: NoticeProblemCode, at: string | null, roomId: string | null = null) => {
    const p = found.get(code) ?? { code, count: 0, lastAt: null, roomIds: [] };
    if (at) {
      p.count++;
      if (!p.lastAt || at > p.lastAt) p.lastAt = at;
    }
    if (roomId && !p.roomIds.includes(roomId)) p.roomIds.push(roomId);
    found.set(code, p);
  };
  if (setup.operatorEmails === 0) note('no-operator-address', null);
  if (!setup.smtp) note('no-smtp', null);
  for (const r of records) {
    if (Date.parse(r.createdAt) < since.getTime()) continue;
    const code = deliveryProblem(r);
    if (code) note(code, r.createdAt, r.roomId);
  }
  return [...found.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}
