/**
 * Power control of one room: owns its outputs and the intents on them (power-intents.ts), asks the
 * decision what the outputs should be on every tick and on every change (a call, the UPS, the
 * schedule, a command, a rehearsal's hold), runs the ordered sequences, and says in every telemetry
 * message why the room is in its state and whether its equipment is still booting. While the
 * equipment is off or booting, a codec cannot answer, so the last check made while it was on stands
 * (with its time) instead of a false "unreachable". Stopping the agent leaves the outputs as they
 * are: an agent restarted during a meeting must not cut it.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Readings } from '../../shared/schemas.js';
import { scheduleTopic } from '../../shared/topics.js';
import type { AgentContext, AgentPart } from '../agent-part.js';
import { CommandError } from '../commands/command-router.js';
import { NO_STANDBY_OUTPUT, noStandby } from './codec-standby-output.js';
import { EnergyMeter } from './energy.js';
import { registerPowerCommands } from './power-commands.js';
import {
  desiredPower,
  freezingItem,
  type Hold,
  type Intents,
  initialIntents,
  nextScheduledUse,
  type Override,
  type PolicyConfig,
  type PowerDecision,
  type ScheduleItem,
  used,
  withHold,
  withOverride,
  withoutHold,
  withoutLapsedHolds,
} from './power-intents.js';
import type { PowerOutput, PowerState } from './power-output.js';
import type { ScheduleCache } from './schedule-cache.js';
import { runSequence, type SequenceResult, type SequenceStep, summarise } from './sequences.js';
import type { UpsVerdict } from './ups-protection.js';

export interface PowerControllerDeps {
  outputs: readonly PowerOutput[];
  onSequence: readonly SequenceStep[];
  offSequence: readonly SequenceStep[];
  /** Outputs the `standby` command puts to sleep (codec standby). */
  standbyOutputs: readonly string[];
  /** Why there are none, when there are none (a Poly codec has no standby); said in the refusal. */
  noStandby?: string;
  policy: PolicyConfig;
  schedule: ScheduleCache;
  /** How often the decision is made again when nothing happens. */
  tickSec: number;
  /** How long after a failed sequence the same switch is tried again. */
  retryAfterSec: number;
  /** How long the codec may take to answer after power-on before it counts as not working. */
  bootDeadlineSec: number;
  /** The UPS's protection verdict (ups-protection.ts), kept by the UPS guard. */
  ups: () => UpsVerdict;
  /** Whether the system clock is synchronised (no RTC on a Pi: it may be wrong after boot). */
  clockSynced: () => boolean;
  clock: Clock;
  log: Logger;
}

export interface CommandReply extends Record<string, unknown> {
  power: PowerState;
  changed: boolean;
}

/** Why a hold was not granted, and whose it is to fix: the mains (power partner) or the operator. */
export interface HoldRefusal {
  by: 'mains' | 'operator';
  reason: string;
}

export type HoldOutcome =
  | { ok: true; found: PowerState; sequence: SequenceResult | null }
  | { ok: false; found: PowerState; refusal: HoldRefusal };

const DAY_MS = 86_400_000;
/** How far ahead an override may reach: longer is a configuration change, not an override. */
const MAX_OVERRIDE_MS = 7 * DAY_MS;

/** A command's sequence that stopped at a failed step is the command's failure. */
function succeeded(result: SequenceResult): SequenceResult {
  if (result.ok) return result;
  const failed = result.failed!;
  throw new CommandError(
    'failed',
    `power ${result.direction} stopped at "${failed.step}": ${failed.error}; steps: ${summarise(result)}`,
  );
}

function describeItem(item: ScheduleItem): string {
  return `${item.emergency ? 'emergency ' : ''}${item.kind} ${item.id} from ${item.start} to ${item.end}`;
}

export class PowerController implements AgentPart {
  readonly name = 'power';
  private readonly outputs: ReadonlyMap<string, PowerOutput>;
  private readonly meter: EnergyMeter;
  private context: AgentContext | null = null;
  private callActive = false;
  private upsLevel: UpsVerdict['level'] = 'ok';
  private intents: Intents;
  /** Items the room was switched on for: they keep it on to their end whatever the clock does. */
  private readonly begun = new Set<string>();
  private scheduleConfirmedAt: Date;
  /** Direction of the last sequence that completed; null before the first and after a failure. */
  private settled: PowerState | null = null;
  private failure: { direction: PowerState; at: Date } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private evaluationQueued = false;
  private ticker: unknown = null;
  private decision: PowerDecision | null = null;
  /** When the equipment was last switched on, and whether its codec has answered since. */
  private onSince: Date;
  private booted = false;
  /** The last codec check made while the equipment was on (or answering in standby). */
  private lastCodec: { reading: Readings['codec']; at: Date } | null = null;

  constructor(private readonly deps: PowerControllerDeps) {
    this.outputs = new Map(deps.outputs.map((o) => [o.name, o]));
    const start = deps.clock.now();
    this.meter = new EnergyMeter(deps.outputs, start);
    this.intents = initialIntents(start);
    this.scheduleConfirmedAt = start;
    this.onSince = start;
  }

  /** The decision's latest answer and its reason. */
  get lastDecision(): PowerDecision | null {
    return this.decision;
  }

  /** Off only when every output is off: anything still powered draws power. */
  get state(): PowerState {
    return [...this.outputs.values()].every((o) => o.state === 'off') ? 'off' : 'on';
  }

  /** On, and the codec has not answered since, within its boot deadline. */
  get booting(): boolean {
    const since = this.deps.clock.now().getTime() - this.onSince.getTime();
    return this.state === 'on' && !this.booted && since < this.deps.bootDeadlineSec * 1000;
  }

  /** The codec was in a call at the last sample. */
  get inCall(): boolean {
    return this.callActive;
  }

  get override(): Override | null {
    return this.intents.override;
  }

  get holds(): readonly Hold[] {
    return this.intents.holds;
  }

  async start(context: AgentContext): Promise<void> {
    this.context = context;
    this.deps.schedule.load();
    registerPowerCommands(context.commands, this);
    context.subscribe(scheduleTopic(context.roomId), (_topic, payload) => this.onSchedule(payload));
    this.ticker = this.deps.clock.setInterval(() => void this.evaluate(), this.deps.tickSec * 1000);
    void this.evaluate();
  }

  async stop(): Promise<void> {
    if (this.ticker) this.deps.clock.clearInterval(this.ticker);
    this.ticker = null;
    await this.queue;
    for (const output of this.outputs.values()) await output.close?.();
  }

  /**
   * What the room reports of its power and codec: the decision and the boot, and while the codec
   * cannot answer (off, or booting) its last check from when it could.
   */
  refine(readings: Readings): Readings {
    const now = this.deps.clock.now();
    const codec = readings.codec;
    const state = this.state;
    if (state === 'on' && codec.state === 'up') this.booted = true;
    const booting = this.booting;
    const power: Readings['power'] = {
      ...readings.power,
      state,
      ...(this.decision ? { decision: this.decision.code } : {}),
      booting,
    };
    if (codec.state === 'unknown') return { ...readings, power };
    // A codec answering in standby is a real check; so is any answer once the boot is over.
    if (codec.state === 'up' || (state === 'on' && !booting)) {
      this.lastCodec = { reading: codec, at: now };
      return { ...readings, power };
    }
    const held: Readings['codec'] = this.lastCodec
      ? { ...this.lastCodec.reading, inCall: false, checkedAt: this.lastCodec.at.toISOString() }
      : {
          state: 'unchecked',
          inCall: false,
          detail: booting ? 'booting, not checked yet' : 'equipment off, not checked since the agent started',
        };
    return { ...readings, power, codec: held };
  }

  observe(readings: Readings): void {
    const inCall = readings.codec.inCall;
    const upsLevel = this.deps.ups().level;
    const changed = inCall !== this.callActive || upsLevel !== this.upsLevel;
    this.callActive = inCall;
    this.upsLevel = upsLevel;
    if (inCall) this.intents = used(this.intents, this.deps.clock.now());
    if (changed) void this.evaluate();
  }

  telemetry(): Partial<Readings> {
    this.meter.update(this.deps.clock.now(), this.states());
    return { energy: this.meter.reading() };
  }

  /** Makes the decision and acts on it; calls made meanwhile are folded into one. */
  evaluate(): Promise<void> {
    if (this.evaluationQueued) return this.queue.then(() => {});
    this.evaluationQueued = true;
    return this.exclusive(async () => {
      this.evaluationQueued = false;
      await this.evaluateNow();
    }).catch(() => {});
  }

  async powerOn(args: { reason?: string; force?: boolean }): Promise<CommandReply> {
    return this.exclusive(async () => {
      const reason = args.reason ?? 'power.on command';
      const ups = this.deps.ups();
      if (ups.level === 'critical') {
        throw new CommandError('refused', `${ups.reason}: power-on waits for the mains`);
      }
      this.deps.log.info({ reason, force: args.force ?? false }, 'power.on ordered');
      // The operator's newer order replaces an off they gave; an override on stays to its time.
      if (this.intents.override?.state === 'off') this.intents = withOverride(this.intents, null);
      this.intents = used(this.intents, this.deps.clock.now());
      const result = await this.switchTo('on', `ordered: ${reason}`, args.force ?? false);
      // The decision that holds from now on (the order, then the rules), for telemetry to say.
      await this.evaluateNow();
      return this.reply(succeeded(result));
    });
  }

  async powerOff(args: { reason?: string; force?: boolean }): Promise<CommandReply> {
    return this.exclusive(async () => {
      const reason = args.reason ?? 'power.off command';
      const force = args.force ?? false;
      const now = this.deps.clock.now();
      if (this.callActive && !force) {
        this.deps.log.warn({ reason }, 'power.off refused: a call is in progress');
        throw new CommandError('refused', 'a call is in progress; send force: true to cut it');
      }
      const frozen = this.refuseInFreeze('power.off', reason, force);
      this.deps.log.info({ reason, force, inCall: this.callActive }, 'power.off ordered');
      // Off until the next scheduled use, so a booked meeting still powers the room on; a forced off
      // inside a booked window holds to the end of that item.
      const until = frozen
        ? new Date(frozen.end)
        : (nextScheduledUse(this.deps.schedule.items, now, this.deps.policy.warmUpMin) ??
          new Date(now.getTime() + DAY_MS));
      this.intents = withOverride(this.intents, { state: 'off', until, reason, forced: force });
      // The codec is switched off with the room: the call ends with it.
      this.callActive = false;
      const result = await this.switchTo('off', `ordered: ${reason}`, force);
      if (result.ok) await this.evaluateNow();
      return { ...this.reply(succeeded(result)), until: until.toISOString() };
    });
  }

  async setOverride(args: {
    state: PowerState;
    until: string;
    reason?: string;
    force?: boolean;
  }): Promise<CommandReply> {
    return this.exclusive(async () => {
      const now = this.deps.clock.now();
      const until = new Date(args.until);
      if (until <= now) throw new CommandError('bad-args', `until: ${args.until} is not in the future`);
      if (until.getTime() - now.getTime() > MAX_OVERRIDE_MS) {
        throw new CommandError('bad-args', 'until: an override may reach at most 7 days ahead');
      }
      const reason = args.reason ?? 'override command';
      const force = args.force ?? false;
      if (args.state === 'off') this.refuseInFreeze('override off', reason, force);
      this.deps.log.info({ state: args.state, until: args.until, reason, force }, 'override set');
      this.intents = withOverride(this.intents, { state: args.state, until, reason, forced: force });
      const result = await this.evaluateNow();
      // An ordinary off gives way to the next booked item's warm-up (power-intents.ts, rule 6).
      const next = nextScheduledUse(this.deps.schedule.items, now, this.deps.policy.warmUpMin);
      const effectiveUntil = args.state === 'off' && !force && next && next < until ? next : until;
      return {
        power: this.state,
        changed: result ? succeeded(result).changed : false,
        override: {
          state: args.state,
          until: until.toISOString(),
          effectiveUntil: effectiveUntil.toISOString(),
        },
        reason: this.decision?.reason ?? '',
      };
    });
  }

  async standby(args: { force?: boolean; reason?: string }): Promise<Record<string, unknown>> {
    return this.exclusive(async () => {
      const names = this.deps.standbyOutputs;
      const force = args.force ?? false;
      if (names.length === 0) throw noStandby(this.deps.noStandby ?? NO_STANDBY_OUTPUT);
      if (this.callActive && !force) {
        throw new CommandError(
          'refused',
          'a call is in progress; send force: true to put the codec in standby',
        );
      }
      this.refuseInFreeze('standby', args.reason ?? 'standby command', force);
      let changed = false;
      for (const name of names) {
        const output = this.outputs.get(name)!;
        if (output.state === 'off') continue;
        try {
          await output.set(false);
        } catch (err) {
          throw new CommandError('failed', (err as Error).message);
        }
        changed = true;
      }
      this.meter.update(this.deps.clock.now(), this.states());
      return { standby: true, changed, outputs: [...names], power: this.state };
    });
  }

  /**
   * Wakes the codec from standby (the operator's remote action). Never refused by a change freeze
   * (waking harms no meeting), only by a critical UPS; it counts as a use, so the quiet time starts
   * again and the idle policy switches the room off in order later.
   */
  async wake(args: { reason?: string }): Promise<Record<string, unknown>> {
    return this.exclusive(async () => {
      const names = this.deps.standbyOutputs;
      if (names.length === 0) throw noStandby(this.deps.noStandby ?? NO_STANDBY_OUTPUT);
      const ups = this.deps.ups();
      if (ups.level === 'critical')
        throw new CommandError('refused', `${ups.reason}: waking waits for the mains`);
      this.deps.log.info({ reason: args.reason ?? 'wake command' }, 'codec wake ordered');
      let changed = false;
      for (const name of names) {
        const output = this.outputs.get(name)!;
        if (output.state === 'on') continue;
        try {
          await output.set(true);
        } catch (err) {
          throw new CommandError('failed', (err as Error).message);
        }
        changed = true;
      }
      this.intents = used(this.intents, this.deps.clock.now());
      if (changed) this.settled = this.state;
      this.meter.update(this.deps.clock.now(), this.states());
      await this.evaluateNow();
      return { standby: false, changed, outputs: [...names], power: this.state };
    });
  }

  /**
   * A rehearsal's claim: on until released or `until`, then back as found. Refused on battery (a
   * rehearsal must not drain the battery the meeting will need) and while the operator holds the
   * room off; the operator's override is never touched.
   */
  async hold(hold: Omit<Hold, 'found'>): Promise<HoldOutcome> {
    return this.exclusive(async () => {
      const found = this.state;
      const ups = this.deps.ups();
      if (ups.level !== 'ok') return { ok: false, found, refusal: { by: 'mains', reason: ups.reason } };
      const override = this.intents.override;
      if (override?.state === 'off' && override.until > this.deps.clock.now()) {
        return {
          ok: false,
          found,
          refusal: {
            by: 'operator',
            reason: `held off by the operator until ${override.until.toISOString()}: ${override.reason}`,
          },
        };
      }
      this.intents = withHold(this.intents, { ...hold, found });
      this.deps.log.info({ hold: hold.id, until: hold.until.toISOString(), found }, 'hold taken');
      return { ok: true, found, sequence: await this.evaluateNow() };
    });
  }

  /** Ends a hold; the room goes back to the state the hold found it in, unless something needs it. */
  async release(id: string): Promise<void> {
    await this.exclusive(async () => {
      this.intents = withoutHold(this.intents, id, this.deps.clock.now());
      this.deps.log.info({ hold: id }, 'hold released');
      await this.evaluateNow();
    });
  }

  /** The item whose change freeze holds now, or null. */
  frozenBy(): ScheduleItem | null {
    return freezingItem(this.deps.schedule.items, this.deps.clock.now(), this.deps.policy.warmUpMin);
  }

  private refuseInFreeze(action: string, reason: string, force: boolean): ScheduleItem | null {
    const frozen = this.frozenBy();
    if (!frozen) return null;
    if (force) {
      this.deps.log.warn({ action, reason, item: frozen.id }, 'change freeze forced');
      return frozen;
    }
    this.deps.log.warn({ action, reason, item: frozen.id }, 'refused by the change freeze');
    throw new CommandError(
      'refused',
      `change freeze: ${describeItem(frozen)}; send force: true with a written reason to ${action} anyway`,
    );
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch((err: Error) => {
      if (!(err instanceof CommandError)) this.deps.log.error({ err: err.message }, 'power control failed');
    });
    return run;
  }

  private reply(result: SequenceResult): CommandReply {
    return { power: this.state, changed: result.changed, steps: summarise(result) };
  }

  private states(): Map<string, PowerState | 'unknown'> {
    return new Map([...this.outputs.values()].map((o) => [o.name, o.state]));
  }

  private onSchedule(payload: Buffer): void {
    const outcome = this.deps.schedule.accept(payload);
    if (!outcome.ok) {
      this.deps.log.warn({ reason: outcome.reason }, 'schedule rejected');
      return;
    }
    this.scheduleConfirmedAt = this.deps.clock.now();
    if (outcome.changed) void this.evaluate();
  }

  private async evaluateNow(): Promise<SequenceResult | null> {
    const now = this.deps.clock.now();
    // Connected, the retained schedule is current: the broker delivers a new one at once.
    if (this.context?.connected()) this.scheduleConfirmedAt = now;
    this.meter.update(now, this.states());
    this.intents = withoutLapsedHolds(this.intents, now);
    const decision = desiredPower(
      {
        now,
        current: this.settled ?? (this.state === 'off' ? 'off' : 'unknown'),
        items: this.deps.schedule.items,
        begun: this.begun,
        callActive: this.callActive,
        ups: this.deps.ups(),
        clockSynced: this.deps.clockSynced(),
        scheduleConfirmedAt: this.scheduleConfirmedAt,
      },
      this.intents,
      this.deps.policy,
    );
    this.decision = decision;
    // Remember the items the room is on for; forget those that ended or left the schedule.
    const live = new Set(
      this.deps.schedule.items.filter((i) => Date.parse(i.end) > now.getTime()).map((i) => i.id),
    );
    for (const id of this.begun) if (!live.has(id)) this.begun.delete(id);
    if (decision.itemId && this.settled === 'on') this.begun.add(decision.itemId);
    if (decision.state === this.settled) return null;
    const failure = this.failure;
    // The UPS's off is never held back by an earlier failure: the battery will not wait.
    if (
      failure &&
      decision.code !== 'ups-critical' &&
      failure.direction === decision.state &&
      now.getTime() - failure.at.getTime() < this.deps.retryAfterSec * 1000
    ) {
      return null;
    }
    return this.switchTo(decision.state, decision.reason, false);
  }

  private async switchTo(direction: PowerState, reason: string, force: boolean): Promise<SequenceResult> {
    const steps = direction === 'on' ? this.deps.onSequence : this.deps.offSequence;
    // The boot starts with the first output switched, not when the sequence ends: a sample taken
    // while the sequence runs must not read a codec still coming up as a codec down.
    if (direction === 'on' && this.state === 'off') {
      this.onSince = this.deps.clock.now();
      this.booted = false;
    }
    const result = await runSequence(direction, steps, this.outputs, { force, sleep: this.deps.clock.sleep });
    const now = this.deps.clock.now();
    this.meter.update(now, this.states());
    const summary = summarise(result);
    if (result.ok) {
      this.settled = direction;
      this.failure = null;
      this.deps.log.info({ direction, reason, steps: summary }, `power ${direction}`);
      if (result.changed) {
        this.context?.emit({
          type: direction === 'on' ? 'power.on' : 'power.off',
          severity: 'info',
          data: { reason, steps: summary, decision: this.decision?.code ?? null },
        });
        this.context?.resample();
      }
      return result;
    }
    this.settled = null;
    this.failure = { direction, at: now };
    const failed = result.failed!;
    this.deps.log.error({ direction, reason, steps: summary }, `power ${direction} stopped at a failed step`);
    this.context?.emit({
      type: 'power.step-failed',
      severity: direction === 'on' ? 'critical' : 'warning',
      data: { direction, step: failed.step, error: failed.error ?? null, reason, steps: summary },
    });
    return result;
  }
}
