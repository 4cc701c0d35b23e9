/**
 * Whether the agent may place a rehearsal's test call now, pure: never during a call (a meeting's
 * or anyone's), never with the codec not answering, and never inside the change freeze of a meeting
 * (power-intents.ts `freezingItem`: from its warm-up to its end, art. 9.3/11.1 rooms proven ready are
 * left alone); a rehearsal's or inspection's own window is what the call is for. The hub makes the
 * same decision before asking; the room decides again with what it sees itself.
 */
import type { Readings } from '../../shared/schemas.js';
import type { ScheduleItem } from '../power/power-intents.js';

/** Null when the call may be placed; otherwise why not, in words. */
export function testCallRefusal(
  codec: Readings['codec'],
  frozenBy: ScheduleItem | null,
  codecCanCall: boolean,
): string | null {
  if (!codecCanCall) return 'this room’s codec probe cannot place calls (no xAPI or Poly REST access)';
  if (codec.inCall) return 'a call is in progress: the test call would disturb it';
  if (codec.state !== 'up' || codec.checkedAt)
    return `the codec is not answering (${codec.state}${codec.detail ? `: ${codec.detail}` : ''})`;
  if (frozenBy && (frozenBy.kind === 'meeting' || frozenBy.emergency))
    return `change freeze of ${frozenBy.emergency ? 'emergency ' : ''}${frozenBy.kind} ${frozenBy.id} from ${frozenBy.start} to ${frozenBy.end}`;
  return null;
}
