/**
 * What a rehearsal asks each room to place and how it judges it, from the hub's settings
 * (`testCall`, `peripherals`): the room's test conference (its own, else the fleet's), the line test's
 * number, the limits and the room's expected peripherals. A test call is never asked inside a change
 * freeze (change-freeze.ts) other than the run's own meeting's rehearsal window: not in a meeting's
 * warm-up or the meeting itself, not in another meeting's rehearsal, not in any freeze for a run
 * with no meeting (an inspection). The line test is the controller's own short call and touches no
 * equipment, so a room with a broken codec still learns about its line; but it is a call on the
 * meeting's line all the same, so the same freeze keeps it out. Pure once the freeze is read.
 */
import type {
  CallLimits,
  ExpectedPeripherals,
  PeripheralSettings,
  TestCallSettings,
} from './call-settings.js';
import type { Freeze } from './change-freeze.js';

export interface CallAsk {
  /** Added to the `rehearse` command's arguments. */
  args: Record<string, unknown>;
  /** Why no test call is asked, when none is. */
  notAsked: string | null;
  /** Why no line test is asked, when none is. */
  lineNotAsked: string | null;
}

export interface CallPlan {
  ask(roomId: string, meetingId: string | null): Promise<CallAsk>;
  limits: CallLimits;
  expected(roomId: string): ExpectedPeripherals;
}

export interface CallPlanSettings {
  testCall: TestCallSettings;
  peripherals: PeripheralSettings;
}

/**
 * Why the freeze forbids the run's test call, or null when it does not. The meeting is named by its
 * id, never its title: the reason is kept with the rehearsal, which any viewer may read, and a
 * meeting's title stays with those it concerns (art. 13.1c).
 */
export function freezeRefusal(freeze: Freeze | null, meetingId: string | null): string | null {
  if (!freeze) return null;
  if (freeze.window !== 'meeting' && freeze.meetingId === meetingId) return null;
  const what = freeze.window === 'meeting' ? 'the meeting' : `the ${freeze.window} rehearsal of meeting`;
  return `change freeze of ${what} ${freeze.meetingId} from ${freeze.from} to ${freeze.to}: no test call`;
}

export function callPlan(
  settings: CallPlanSettings,
  freezeOf: (roomId: string) => Promise<Freeze | null>,
): CallPlan {
  const { testCall, peripherals } = settings;
  return {
    limits: testCall.limits,
    expected: (roomId) => ({ ...peripherals.expected, ...peripherals.rooms[roomId] }),
    async ask(roomId, meetingId) {
      const number = testCall.roomDialStrings[roomId] ?? testCall.dialString;
      const frozen = freezeRefusal(await freezeOf(roomId), meetingId);
      const refusal = number ? frozen : 'no test conference is set (testCall.dialString)';
      const lineRefusal = testCall.lineTestUri
        ? (frozen?.replace(/no test call$/, 'no line test') ?? null)
        : 'no line test number is set (testCall.lineTestUri)';
      return {
        args: {
          ...(refusal === null
            ? {
                testCall: {
                  number,
                  connectTimeoutSec: testCall.connectTimeoutSec,
                  measureSec: testCall.measureSec,
                },
              }
            : {}),
          ...(lineRefusal === null
            ? { lineTest: { target: testCall.lineTestUri, durationSec: testCall.lineTestSec } }
            : {}),
        },
        notAsked: refusal,
        lineNotAsked: lineRefusal,
      };
    },
  };
}
