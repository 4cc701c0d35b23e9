/**
 * The power decision of a room (art. 6.5: cut the power when not in use; art. 8.2: emergency
 * meetings at once; art. 9.3: rehearsals; art. 4.1: protect the equipment): one pure function from
 * every intent on the room to the state its equipment should be in, with the reason. The intents
 * are kept apart (the schedule's items, the operator's override, a rehearsal's temporary hold, the
 * UPS's protection), so one never erases another: when a rehearsal's hold ends, the operator's
 * override is still there.
 *
 * Precedence, first match wins:
 *
 * |  # | intent                                                     | state               | code             |
 * | -- | ---------------------------------------------------------- | ------------------- | ---------------- |
 * |  1 | the UPS is critical (ups-protection.ts), even in a call    | off                 | `ups-critical`   |
 * |  2 | a call is in progress                                      | on                  | `call`           |
 * |  3 | the operator's forced override (with a written reason)     | its state           | `forced`         |
 * |  4 | an emergency meeting that has not ended                    | on                  | `emergency`      |
 * |  5 | the clock is not synchronised (a Pi has no RTC)            | override, hold, else kept | `clock-unsynced` |
 * |  6 | a meeting or inspection, from its warm-up to its end       | on                  | `scheduled`      |
 * |  7 | the operator's override until a time                       | its state           | `override`       |
 * |  8 | a rehearsal's hold (the hub checks the room)               | on                  | `rehearsal`      |
 * |  9 | a hold has ended that found the room off                   | off                 | `restored`       |
 * | 10 | the schedule is stale (the hub unreachable for long)       | on                  | `schedule-stale` |
 * | 11 | quiet for the quiet time since the last use or item's end  | off                 | `idle`           |
 * | 12 | otherwise                                                  | kept (unknown: on)  | `hold`           |
 *
 * Why this order: the battery is about to cut the room anyway (1), so an orderly off beats the call;
 * nothing else cuts a call (2). A forced order is the operator's written decision and is audited at
 * the hub (3). A booked meeting beats an operator's ordinary off (6 before 7): an operator's off
 * never runs past the warm-up of a booked item. The operator beats a rehearsal (7 before 8): a
 * rehearsal never undoes an operator's off, and its end never cancels an operator's on. Rehearsal
 * items on the schedule do not switch a room on by themselves: the hub's rehearsal holds it on for
 * exactly as long as it checks, and the room goes back to the state it was found in (9).
 * An item whose warm-up has begun keeps the room on to its end even if the clock then jumps back
 * before the warm-up (NTP correcting a Pi's clock after boot).
 */
import type { PowerDecisionCode, ScheduleMessage } from '../../shared/schemas.js';
import type { PowerState } from './power-output.js';
import type { UpsVerdict } from './ups-protection.js';

export type ScheduleItem = ScheduleMessage['items'][number];

export interface Override {
  state: PowerState;
  until: Date;
  reason: string;
  /** Given with `force` and a written reason: beats the schedule (precedence 3, not 7). */
  forced: boolean;
}

/** A rehearsal's (or inspection's) temporary claim on the room, from the hub. */
export interface Hold {
  id: string;
  /** A hold lapses by itself at this time, so a hub that died mid-rehearsal leaves no room on. */
  until: Date;
  /** The state the first of the overlapping holds found the room in: what its end restores. */
  found: PowerState;
  reason: string;
}

/** What people and the hub asked of the room, kept apart; changed only through the functions below. */
export interface Intents {
  override: Override | null;
  holds: readonly Hold[];
  /** The last sign of use: a call, a power-on order, the agent's start, a hold that found the room on. */
  lastActivity: Date;
  /** When a hold that found the room off ended, unless something was used since. */
  restoreOffAt: Date | null;
}

export interface PowerFacts {
  now: Date;
  /** What the outputs are in now; `unknown` before the first sequence. */
  current: PowerState | 'unknown';
  items: readonly ScheduleItem[];
  /** Ids of the items the room was already switched on for (their warm-up has begun). */
  begun: ReadonlySet<string>;
  callActive: boolean;
  ups: UpsVerdict;
  clockSynced: boolean;
  /** The last time the agent knew the hub's schedule to be current (connected to the broker). */
  scheduleConfirmedAt: Date;
}

export interface PolicyConfig {
  warmUpMin: number;
  quietMin: number;
  scheduleMaxAgeH: number;
}

export interface PowerDecision {
  state: PowerState;
  code: PowerDecisionCode;
  reason: string;
  /** The schedule item a `scheduled` or `emergency` decision is for. */
  itemId?: string;
}

const MIN = 60_000;

export function initialIntents(at: Date): Intents {
  return { override: null, holds: [], lastActivity: at, restoreOffAt: null };
}

/** A sign of use: the quiet time starts again, and an ended hold no longer turns the room off. */
export function used(intents: Intents, at: Date): Intents {
  return { ...intents, lastActivity: at, restoreOffAt: null };
}

export function withOverride(intents: Intents, override: Override | null): Intents {
  return { ...intents, override };
}

/**
 * Adds a hold (or renews one with the same id). Overlapping holds share what the first found: the
 * room goes back to that state when the last of them ends.
 */
export function withHold(intents: Intents, hold: Hold): Intents {
  const others = intents.holds.filter((h) => h.id !== hold.id);
  const found = others[0]?.found ?? hold.found;
  return { ...intents, holds: [...others, { ...hold, found }] };
}

/** Ends a hold; the last one to end puts the room back as the first found it. */
export function withoutHold(intents: Intents, id: string, at: Date): Intents {
  const hold = intents.holds.find((h) => h.id === id);
  if (!hold) return intents;
  const holds = intents.holds.filter((h) => h.id !== id);
  if (holds.length > 0) return { ...intents, holds };
  return hold.found === 'off'
    ? { ...intents, holds, restoreOffAt: at }
    : { ...intents, holds, lastActivity: at, restoreOffAt: null };
}

/** Ends the holds whose time is up, as if each had been released at its `until`. */
export function withoutLapsedHolds(intents: Intents, now: Date): Intents {
  return intents.holds
    .filter((h) => h.until.getTime() <= now.getTime())
    .sort((a, b) => a.until.getTime() - b.until.getTime())
    .reduce((acc, h) => withoutHold(acc, h.id, h.until), intents);
}

/** The window of an item in which the room is frozen and (for meetings) switched on. */
export function itemWindow(item: ScheduleItem, warmUpMin: number): { from: number; to: number } {
  return { from: Date.parse(item.start) - warmUpMin * MIN, to: Date.parse(item.end) };
}

/** Meetings and inspections switch the room on; a rehearsal's hold does that for rehearsals. */
function switchesOn(item: ScheduleItem): boolean {
  return item.kind !== 'rehearsal';
}

function decide(state: PowerState, code: PowerDecisionCode, reason: string, itemId?: string): PowerDecision {
  return itemId ? { state, code, reason, itemId } : { state, code, reason };
}

function kept(current: PowerFacts['current']): PowerState {
  return current === 'unknown' ? 'on' : current;
}

export function desiredPower(facts: PowerFacts, intents: Intents, config: PolicyConfig): PowerDecision {
  const now = facts.now.getTime();
  if (facts.ups.level === 'critical') return decide('off', 'ups-critical', facts.ups.reason);
  if (facts.callActive) return decide('on', 'call', 'call in progress');

  const override = intents.override && now < intents.override.until.getTime() ? intents.override : null;
  const overrideText = (o: Override) => `${o.state} until ${o.until.toISOString()}: ${o.reason}`;
  if (override?.forced) return decide(override.state, 'forced', `forced ${overrideText(override)}`);

  const emergency = facts.items.find((i) => i.emergency && Date.parse(i.end) > now);
  if (emergency)
    return decide('on', 'emergency', `emergency ${emergency.kind} ${emergency.id}`, emergency.id);

  const hold = intents.holds.find((h) => h.until.getTime() > now);
  if (!facts.clockSynced) {
    // Orders given now are still obeyed; only what the clock would trigger waits for it.
    const state = override?.state ?? (hold ? 'on' : kept(facts.current));
    return decide(state, 'clock-unsynced', `clock not synchronised: no scheduled switching, ${state}`);
  }

  const booked = facts.items.find((i) => {
    if (!switchesOn(i)) return false;
    const w = itemWindow(i, config.warmUpMin);
    return (w.from <= now || facts.begun.has(i.id)) && now < w.to;
  });
  if (booked) {
    return decide(
      'on',
      'scheduled',
      `${booked.kind} ${booked.id} from ${booked.start} to ${booked.end}`,
      booked.id,
    );
  }

  if (override) return decide(override.state, 'override', `override ${overrideText(override)}`);
  if (hold) return decide('on', 'rehearsal', `held on by ${hold.reason} until ${hold.until.toISOString()}`);

  const lastEnd = facts.items
    .filter(switchesOn)
    .map((i) => Date.parse(i.end))
    .filter((end) => end <= now)
    .reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  // Only right after the hold: a use, or a booked item that ended, since then lets the quiet time decide.
  const restoreOffAt = intents.restoreOffAt;
  if (restoreOffAt && restoreOffAt >= intents.lastActivity && restoreOffAt.getTime() >= lastEnd) {
    return decide('off', 'restored', `back off as the rehearsal found it at ${restoreOffAt.toISOString()}`);
  }

  const ageH = (now - facts.scheduleConfirmedAt.getTime()) / (60 * MIN);
  if (ageH > config.scheduleMaxAgeH) {
    return decide('on', 'schedule-stale', `schedule not confirmed by the hub for ${Math.floor(ageH)} h`);
  }

  const quietSince = Math.max(intents.lastActivity.getTime(), lastEnd);
  const quietMin = Math.floor((now - quietSince) / MIN);
  if (now - quietSince >= config.quietMin * MIN) {
    return decide('off', 'idle', `idle for ${quietMin} min with nothing scheduled`);
  }
  if (facts.current === 'unknown') {
    return decide('on', 'hold', `state unknown at start: on until ${config.quietMin} min of quiet`);
  }
  return decide(
    facts.current,
    'hold',
    `quiet for ${quietMin} of ${config.quietMin} min, kept ${facts.current}`,
  );
}

/**
 * The item whose change freeze holds at `now`: from the warm-up of a booked meeting or rehearsal to
 * its end (and an emergency meeting until its end), the room's equipment is not switched off, put
 * in standby, rebooted, reconfigured or updated unless forced with a written reason.
 */
export function freezingItem(
  items: readonly ScheduleItem[],
  now: Date,
  warmUpMin: number,
): ScheduleItem | null {
  const t = now.getTime();
  return (
    items.find((i) => {
      const w = itemWindow(i, warmUpMin);
      return (i.emergency || w.from <= t) && t < w.to;
    }) ?? null
  );
}

/**
 * The start of the next use the schedule knows of after `now` (warm-up included), which is where a
 * manual power-off stops holding.
 */
export function nextScheduledUse(items: readonly ScheduleItem[], now: Date, warmUpMin: number): Date | null {
  const starts = items
    .filter(switchesOn)
    .map((i) => itemWindow(i, warmUpMin).from)
    .filter((t) => t > now.getTime())
    .sort((a, b) => a - b);
  return starts.length > 0 ? new Date(starts[0]!) : null;
}
