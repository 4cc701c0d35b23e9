/**
 * The idle policy (art. 6.5: cut the power when not in use; art. 8.2: emergency meetings at once):
 * a pure function from what the agent knows to the state the room's equipment should be in, with
 * the reason in words. The rules, first match wins:
 *
 *  1. a call is active: on. Nothing ever switches a room off during a call.
 *  2. on battery and the UPS is low: off, to protect the equipment and the controller.
 *  3. the clock is not synchronised (a Pi has no RTC): no scheduled switching; an emergency on the
 *     schedule still powers on, otherwise the state is held.
 *  4. an emergency meeting that has not ended: on.
 *  5. a manual override until a time: its state.
 *  6. a meeting, rehearsal or inspection from its warm-up lead to its end: on. An item whose
 *     warm-up has begun stays on to its end even if the clock then jumps back before the warm-up
 *     (NTP correcting a Pi's clock after boot): the room is not switched off and on again.
 *  7. the schedule is stale (the hub unreachable for long): on, since a meeting may have been
 *     booked that this room cannot know of, and a room switched off cannot be used by hand.
 *  8. quiet for the quiet time since the last activity or the last item's end: off.
 *  9. otherwise the state is held (an unknown state, at start, is on).
 */
import type { ScheduleMessage } from '../../shared/schemas.js';
import type { PowerState } from './power-output.js';

export type ScheduleItem = ScheduleMessage['items'][number];

export interface Override {
  state: PowerState;
  until: Date;
  reason: string;
}

export interface PolicyInput {
  now: Date;
  /** What the outputs are in now; `unknown` before the first sequence. */
  current: PowerState | 'unknown';
  items: readonly ScheduleItem[];
  callActive: boolean;
  override: Override | null;
  /** Mains present; null when the room has no mains sensor. */
  mains: boolean | null;
  upsChargePct: number | null;
  /** The last sign of use: a call, a power-on command, the agent's start. */
  lastActivity: Date;
  clockSynced: boolean;
  /** The last time the agent knew the hub's schedule to be current (connected to the broker). */
  scheduleConfirmedAt: Date;
  /** Ids of the items the room was already switched on for (their warm-up has begun). */
  begun: ReadonlySet<string>;
}

export interface PolicyConfig {
  warmUpMin: number;
  quietMin: number;
  scheduleMaxAgeH: number;
  /** On battery at or below this charge the room is switched off and the controller shut down. */
  upsShutdownPct: number;
}

export type DecisionCode =
  | 'call'
  | 'ups-low'
  | 'clock-unsynced'
  | 'emergency'
  | 'override'
  | 'scheduled'
  | 'schedule-stale'
  | 'idle'
  | 'hold';

export interface Decision {
  state: PowerState;
  code: DecisionCode;
  reason: string;
  /** The schedule item a `scheduled` decision is for. */
  itemId?: string;
}

const MIN = 60_000;

function decide(state: PowerState, code: DecisionCode, reason: string): Decision {
  return { state, code, reason };
}

function held(current: PolicyInput['current']): PowerState {
  return current === 'unknown' ? 'on' : current;
}

export function desiredPower(input: PolicyInput, config: PolicyConfig): Decision {
  const now = input.now.getTime();
  if (input.callActive) return decide('on', 'call', 'call in progress');

  const charge = input.upsChargePct;
  if (input.mains === false && charge !== null && charge <= config.upsShutdownPct) {
    return decide('off', 'ups-low', `on battery at ${charge} %: switched off to protect the equipment`);
  }

  const emergency = input.items.find((i) => i.emergency && Date.parse(i.end) > now);
  if (!input.clockSynced) {
    if (emergency) return decide('on', 'emergency', `emergency ${emergency.kind} ${emergency.id}`);
    const state = held(input.current);
    return decide(state, 'clock-unsynced', `clock not synchronised: no scheduled switching, kept ${state}`);
  }
  if (emergency) return decide('on', 'emergency', `emergency ${emergency.kind} ${emergency.id}`);

  const override = input.override;
  if (override && input.now < override.until) {
    return decide(
      override.state,
      'override',
      `override ${override.state} until ${override.until.toISOString()}: ${override.reason}`,
    );
  }

  const warmUpMs = config.warmUpMin * MIN;
  const current = input.items.find(
    (i) => (Date.parse(i.start) - warmUpMs <= now || input.begun.has(i.id)) && now < Date.parse(i.end),
  );
  if (current) {
    return {
      ...decide('on', 'scheduled', `${current.kind} ${current.id} from ${current.start} to ${current.end}`),
      itemId: current.id,
    };
  }

  const ageH = (now - input.scheduleConfirmedAt.getTime()) / (60 * MIN);
  if (ageH > config.scheduleMaxAgeH) {
    return decide('on', 'schedule-stale', `schedule not confirmed by the hub for ${Math.floor(ageH)} h`);
  }

  const lastEnd = input.items
    .map((i) => Date.parse(i.end))
    .filter((end) => end <= now)
    .reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  const quietSince = Math.max(input.lastActivity.getTime(), lastEnd);
  const quietMin = Math.floor((now - quietSince) / MIN);
  if (now - quietSince >= config.quietMin * MIN) {
    return decide('off', 'idle', `idle for ${quietMin} min with nothing scheduled`);
  }
  if (input.current === 'unknown') {
    return decide('on', 'hold', `state unknown at start: on until ${config.quietMin} min of quiet`);
  }
  return decide(
    input.current,
    'hold',
    `quiet for ${quietMin} of ${config.quietMin} min, kept ${input.current}`,
  );
}

/**
 * The start of the next use the schedule knows of after `now` (warm-up included), which is where a
 * manual power-off stops holding.
 */
export function nextScheduledUse(items: readonly ScheduleItem[], now: Date, warmUpMin: number): Date | null {
  const starts = items
    .map((i) => Date.parse(i.start) - warmUpMin * MIN)
    .filter((t) => t > now.getTime())
    .sort((a, b) => a - b);
  return starts.length > 0 ? new Date(starts[0]!) : null;
}
