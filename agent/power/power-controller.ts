/**
 * Power control of one room: owns its outputs, asks the idle policy what they should be on every
 * tick and on every change (a call, mains, the schedule, a command), runs the ordered sequences,
 * reports the state and the energy in telemetry, and on a low UPS on battery switches the room off
 * and shuts the controller down. Stopping the agent leaves the outputs as they are: an agent
 * restarted during a meeting must not cut it.
 */
import type { Logger } from '../../shared/logger.js';
import type { Readings } from '../../shared/schemas.js';
import { scheduleTopic } from '../../shared/topics.js';
import type { AgentContext, AgentPart } from '../agent-part.js';
import { CommandError } from '../commands/command-router.js';
import { EnergyMeter } from './energy.js';
import {
  type Decision,
  desiredPower,
  nextScheduledUse,
  type Override,
  type PolicyConfig,
} from './idle-policy.js';
import { registerPowerCommands } from './power-commands.js';
import type { PowerOutput, PowerState } from './power-output.js';
import type { ScheduleCache } from './schedule-cache.js';
import { runSequence, type SequenceResult, type SequenceStep, summarise } from './sequences.js';
import type { ProcessRunner } from './shutdown-command.js';

export interface PowerControllerDeps {
  outputs: readonly PowerOutput[];
  onSequence: readonly SequenceStep[];
  offSequence: readonly SequenceStep[];
  /** Outputs the `standby` command puts to sleep (codec standby). */
  standbyOutputs: readonly string[];
  policy: PolicyConfig;
  schedule: ScheduleCache;
  /** How often the policy is evaluated when nothing happens. */
  tickSec: number;
  /** How long after a failed sequence the same switch is tried again. */
  retryAfterSec: number;
  /** Program and arguments that halt the controller; empty: do not halt. */
  shutdownArgv: readonly string[];
  runner: ProcessRunner;
  /** Whether the system clock is synchronised (no RTC on a Pi: it may be wrong after boot). */
  clockSynced: () => boolean;
  now: () => Date;
  sleep: (ms: number) => Promise<void>;
  every: (ms: number, fn: () => void) => () => void;
  log: Logger;
}

export interface CommandReply extends Record<string, unknown> {
  power: PowerState;
  changed: boolean;
}

const DAY_MS = 86_400_000;

/** A command's sequence that stopped at a failed step is the command's failure. */
function succeeded(result: SequenceResult): SequenceResult {
  if (result.ok) return result;
  const failed = result.failed!;
  throw new CommandError(
    'failed',
    `power ${result.direction} stopped at "${failed.step}": ${failed.error}; steps: ${summarise(result)}`,
  );
}
/** How far ahead an override may reach: longer is a configuration change, not an override. */
const MAX_OVERRIDE_MS = 7 * DAY_MS;

export class PowerController implements AgentPart {
  readonly name = 'power';
  private readonly outputs: ReadonlyMap<string, PowerOutput>;
  private readonly meter: EnergyMeter;
  private context: AgentContext | null = null;
  private callActive = false;
  private mains: boolean | null = null;
  private upsChargePct: number | null = null;
  private lastActivity: Date;
  /** Items the room was switched on for: they keep it on to their end whatever the clock does. */
  private readonly begun = new Set<string>();
  private scheduleConfirmedAt: Date;
  private override: Override | null = null;
  /** Direction of the last sequence that completed; null before the first and after a failure. */
  private settled: PowerState | null = null;
  private failure: { direction: PowerState; at: Date } | null = null;
  private shutdownDone = false;
  private queue: Promise<unknown> = Promise.resolve();
  private evaluationQueued = false;
  private stopTicking: (() => void) | null = null;
  private decision: Decision | null = null;

  constructor(private readonly deps: PowerControllerDeps) {
    this.outputs = new Map(deps.outputs.map((o) => [o.name, o]));
    const start = deps.now();
    this.meter = new EnergyMeter(deps.outputs, start);
    this.lastActivity = start;
    this.scheduleConfirmedAt = start;
  }

  /** The policy's latest answer and its reason. */
  get lastDecision(): Decision | null {
    return this.decision;
  }

  /** Off only when every output is off: anything still powered draws power. */
  get state(): PowerState {
    return [...this.outputs.values()].every((o) => o.state === 'off') ? 'off' : 'on';
  }

  async start(context: AgentContext): Promise<void> {
    this.context = context;
    this.deps.schedule.load();
    registerPowerCommands(context.commands, this);
    context.subscribe(scheduleTopic(context.roomId), (_topic, payload) => this.onSchedule(payload));
    this.stopTicking = this.deps.every(this.deps.tickSec * 1000, () => void this.evaluate());
    void this.evaluate();
  }

  async stop(): Promise<void> {
    this.stopTicking?.();
    this.stopTicking = null;
    await this.queue;
    for (const output of this.outputs.values()) await output.close?.();
  }

  observe(readings: Readings): void {
    const inCall = readings.codec.inCall;
    const changed =
      inCall !== this.callActive ||
      readings.power.mains !== this.mains ||
      readings.power.upsChargePct !== this.upsChargePct;
    this.callActive = inCall;
    this.mains = readings.power.mains;
    this.upsChargePct = readings.power.upsChargePct;
    if (inCall) this.lastActivity = this.deps.now();
    if (this.mains === true) this.shutdownDone = false;
    if (changed) void this.evaluate();
  }

  telemetry(): Partial<Readings> {
    this.meter.update(this.deps.now(), this.states());
    return { energy: this.meter.reading() };
  }

  /** Asks the policy and acts on its answer; calls made meanwhile are folded into one. */
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
      if (this.upsLow()) {
        throw new CommandError(
          'refused',
          `on battery at ${this.upsChargePct} %: power-on waits for the mains`,
        );
      }
      this.deps.log.info({ reason, force: args.force ?? false }, 'power.on ordered');
      this.override = null;
      this.lastActivity = this.deps.now();
      const result = await this.switchTo('on', `ordered: ${reason}`, args.force ?? false);
      return this.reply(succeeded(result));
    });
  }

  async powerOff(args: { reason?: string; force?: boolean }): Promise<CommandReply> {
    return this.exclusive(async () => {
      const reason = args.reason ?? 'power.off command';
      if (this.callActive && !args.force) {
        this.deps.log.warn({ reason }, 'power.off refused: a call is in progress');
        throw new CommandError('refused', 'a call is in progress; send force: true to cut it');
      }
      const emergency = this.deps.schedule.items.find(
        (i) => i.emergency && Date.parse(i.end) > this.deps.now().getTime(),
      );
      if (emergency) {
        // Art. 8.2: the emergency rule would switch the room straight back on.
        this.deps.log.warn({ reason, emergency: emergency.id }, 'power.off refused: emergency meeting');
        throw new CommandError(
          'refused',
          `emergency ${emergency.kind} ${emergency.id} until ${emergency.end}; cancel it at the hub first`,
        );
      }
      this.deps.log.info(
        { reason, force: args.force ?? false, inCall: this.callActive },
        'power.off ordered',
      );
      const now = this.deps.now();
      // Off until the next scheduled use, so a booked meeting still powers the room on.
      const until =
        nextScheduledUse(this.deps.schedule.items, now, this.deps.policy.warmUpMin) ??
        new Date(now.getTime() + DAY_MS);
      this.override = { state: 'off', until, reason };
      // The codec is switched off with the room: the call ends with it.
      this.callActive = false;
      const result = await this.switchTo('off', `ordered: ${reason}`, args.force ?? false);
      return { ...this.reply(succeeded(result)), until: until.toISOString() };
    });
  }

  async setOverride(args: { state: PowerState; until: string; reason?: string }): Promise<CommandReply> {
    return this.exclusive(async () => {
      const now = this.deps.now();
      const until = new Date(args.until);
      if (until <= now) throw new CommandError('bad-args', `until: ${args.until} is not in the future`);
      if (until.getTime() - now.getTime() > MAX_OVERRIDE_MS) {
        throw new CommandError('bad-args', 'until: an override may reach at most 7 days ahead');
      }
      const reason = args.reason ?? 'override command';
      this.deps.log.info({ state: args.state, until: args.until, reason }, 'override set');
      this.override = { state: args.state, until, reason };
      const result = await this.evaluateNow();
      return {
        power: this.state,
        changed: result ? succeeded(result).changed : false,
        override: { state: args.state, until: until.toISOString() },
        reason: this.decision?.reason ?? '',
      };
    });
  }

  async standby(args: { force?: boolean }): Promise<Record<string, unknown>> {
    return this.exclusive(async () => {
      const names = this.deps.standbyOutputs;
      if (names.length === 0) throw new CommandError('refused', 'this room has no codec standby output');
      if (this.callActive && !args.force) {
        throw new CommandError(
          'refused',
          'a call is in progress; send force: true to put the codec in standby',
        );
      }
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
      this.meter.update(this.deps.now(), this.states());
      return { standby: true, changed, outputs: [...names], power: this.state };
    });
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

  private upsLow(): boolean {
    const charge = this.upsChargePct;
    return this.mains === false && charge !== null && charge <= this.deps.policy.upsShutdownPct;
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
    this.scheduleConfirmedAt = this.deps.now();
    if (outcome.changed) void this.evaluate();
  }

  private async evaluateNow(): Promise<SequenceResult | null> {
    const now = this.deps.now();
    // Connected, the retained schedule is current: the broker delivers a new one at once.
    if (this.context?.connected()) this.scheduleConfirmedAt = now;
    this.meter.update(now, this.states());
    const decision = desiredPower(
      {
        now,
        current: this.settled ?? (this.state === 'off' ? 'off' : 'unknown'),
        items: this.deps.schedule.items,
        callActive: this.callActive,
        override: this.override,
        mains: this.mains,
        upsChargePct: this.upsChargePct,
        lastActivity: this.lastActivity,
        clockSynced: this.deps.clockSynced(),
        scheduleConfirmedAt: this.scheduleConfirmedAt,
        begun: this.begun,
      },
      this.deps.policy,
    );
    this.decision = decision;
    // Remember the items the room is on for; forget those that ended or left the schedule.
    const live = new Set(
      this.deps.schedule.items.filter((i) => Date.parse(i.end) > now.getTime()).map((i) => i.id),
    );
    for (const id of this.begun) if (!live.has(id)) this.begun.delete(id);
    if (decision.itemId && this.settled === 'on') this.begun.add(decision.itemId);
    if (decision.code === 'ups-low') {
      if (!this.shutdownDone) await this.upsShutdown(decision);
      return null;
    }
    if (decision.state === this.settled) return null;
    const failure = this.failure;
    if (
      failure &&
      failure.direction === decision.state &&
      now.getTime() - failure.at.getTime() < this.deps.retryAfterSec * 1000
    ) {
      return null;
    }
    return this.switchTo(decision.state, decision.reason, false);
  }

  private async switchTo(direction: PowerState, reason: string, force: boolean): Promise<SequenceResult> {
    const steps = direction === 'on' ? this.deps.onSequence : this.deps.offSequence;
    const result = await runSequence(direction, steps, this.outputs, { force, sleep: this.deps.sleep });
    this.meter.update(this.deps.now(), this.states());
    const summary = summarise(result);
    if (result.ok) {
      this.settled = direction;
      this.failure = null;
      this.deps.log.info({ direction, reason, steps: summary }, `power ${direction}`);
      if (result.changed) {
        this.context?.emit({
          type: direction === 'on' ? 'power.on' : 'power.off',
          severity: 'info',
          data: { reason, steps: summary },
        });
      }
      return result;
    }
    this.settled = null;
    this.failure = { direction, at: this.deps.now() };
    const failed = result.failed!;
    this.deps.log.error({ direction, reason, steps: summary }, `power ${direction} stopped at a failed step`);
    this.context?.emit({
      type: 'power.step-failed',
      severity: direction === 'on' ? 'critical' : 'warning',
      data: { direction, step: failed.step, error: failed.error ?? null, reason, steps: summary },
    });
    return result;
  }

  /** Announce, switch the room off in order, then halt the controller before the battery does. */
  private async upsShutdown(decision: Decision): Promise<void> {
    this.shutdownDone = true;
    this.deps.log.warn({ reason: decision.reason }, 'UPS low on battery: shutting down');
    this.context?.emit({
      type: 'ups.shutdown',
      severity: 'critical',
      data: { upsChargePct: this.upsChargePct, reason: decision.reason },
    });
    if (this.settled !== 'off') await this.switchTo('off', decision.reason, false);
    const argv = this.deps.shutdownArgv;
    if (argv.length === 0) return;
    const result = await this.deps.runner(argv);
    if (result.exitCode !== 0) {
      this.deps.log.error({ command: argv.join(' '), ...result }, 'controller shutdown command failed');
    }
  }
}
