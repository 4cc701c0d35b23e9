/**
 * Verdicts of a rehearsal, pure: per room from its checks, per meeting from its rooms, and the
 * failures with who must fix each (art. 11.1, 13). A room that did not answer is a no-go.
 */
import type { RehearsalCheck } from '../../shared/schemas.js';
import { type Recipient, responsibleFor, telecomPartnerId } from './notify-list.js';

export const verdicts = ['go', 'at-risk', 'no-go'] as const;
export type Verdict = (typeof verdicts)[number];

/** What one room answered to one check of a rehearsal. */
export type RoomAnswer =
  | { answered: true; checks: RehearsalCheck[] }
  /** No reply, or a reply that is not a rehearsal result; `error` says which. */
  | { answered: false; error: string };

export interface Failure {
  /**
   * The check that failed, `answer` when the room did not answer; after a rehearsal, `readiness`
   * when the room turned bad and `ups-runtime` when its battery cannot carry the meeting.
   */
  check: RehearsalCheck['check'] | 'answer' | 'readiness' | 'ups-runtime';
  status: 'fail' | 'marginal';
  detail: string;
  responsible: Recipient[];
}

const rank: Record<Verdict, number> = { go: 0, 'at-risk': 1, 'no-go': 2 };

function worst(list: Verdict[]): Verdict {
  return list.reduce<Verdict>((a, b) => (rank[b] > rank[a] ? b : a), 'go');
}

/**
 * A failing check is a no-go, a marginal one at risk. A check the room could not run (`not-run`)
 * does not change the verdict: it is listed with the results, so the gap is visible, but a room is
 * not held back for a probe it was never given.
 */
export function roomVerdict(answer: RoomAnswer): Verdict {
  if (!answer.answered) return 'no-go';
  return worst(
    answer.checks.map(
      (c): Verdict => (c.status === 'fail' ? 'no-go' : c.status === 'marginal' ? 'at-risk' : 'go'),
    ),
  );
}

/**
 * The host room chairs the meeting (art. 10.1), so without it there is no meeting: no-go. Any other
 * room not ready puts the meeting at risk, as the meeting can go on without one district. A run with
 * no meeting (an inspection, a set of rooms) is as bad as its worst room.
 */
export function meetingVerdict(
  rooms: readonly { roomId: string; verdict: Verdict }[],
  hostRoomId: string | null,
): Verdict {
  if (hostRoomId === null) return worst(rooms.map((r) => r.verdict));
  const host = rooms.find((r) => r.roomId === hostRoomId);
  if (host?.verdict === 'no-go') return 'no-go';
  return worst(rooms.map((r) => r.verdict)) === 'go' ? 'go' : 'at-risk';
}

/** Every failing or marginal check with who must act; a silent room calls its technician and the line. */
export function failures(roomId: string, answer: RoomAnswer): Failure[] {
  if (!answer.answered)
    return [
      {
        check: 'answer',
        status: 'fail',
        detail: answer.error,
        responsible: [
          { kind: 'room-technician', roomId },
          { kind: 'partner', partnerId: telecomPartnerId },
        ],
      },
    ];
  return answer.checks.flatMap((c): Failure[] =>
    c.status === 'fail' || c.status === 'marginal'
      ? [
          {
            check: c.check,
            status: c.status,
            detail: c.detail,
            responsible: [responsibleFor(c.fault ?? 'equipment', roomId)],
          },
        ]
      : [],
  );
}
