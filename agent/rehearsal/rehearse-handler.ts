/**
 * The `rehearse` command (art. 9.3: test run of terminals, line, sound and picture before a
 * meeting), for a room found in any state. It holds the room on (a room that idled off is switched
 * on through its sequence; the operator's override is never touched), waits until the equipment is
 * really up (the codec answers, and is registered where the probe can tell) within the codec's boot
 * deadline, judges a sample taken after power-on (never one from before), then releases the hold so
 * the room goes back to the state it was found in. The answer names each check's status, the
 * figures it was decided on, and whose fault a failure is: a power-on refused on battery is the power
 * partner's, a boot that never finishes the technician's, a room the operator holds off the
 * operator's. A check the room cannot run is `not-run` with the reason, never reported as passed.
 */
import { z } from 'zod';
import type { Clock } from '../../shared/clock.js';
import type { Readings, RehearsalCheck, RehearsalPower, RehearseResult } from '../../shared/schemas.js';
import { CommandError, type CommandHandler } from '../commands/command-router.js';
import type { HoldOutcome } from '../power/power-controller.js';
import type { Hold } from '../power/power-intents.js';

/** Above `marginal` the room works but is at risk; above `fail` a meeting cannot be held. */
interface UpperLimit {
  marginal: number;
  fail: number;
}

export interface RehearsalLimits {
  upsLowPct: number;
  tempC: { min: number; max: number };
  humidityPct: { min: number; max: number };
  lossPct: UpperLimit;
  latencyMs: UpperLimit;
  jitterMs: UpperLimit;
}

/** The sources are those of the hub's readiness thresholds (ITU-T G.114, codec operating ranges). */
export const defaultRehearsalLimits: RehearsalLimits = {
  upsLowPct: 30,
  tempC: { min: 16, max: 32 },
  humidityPct: { min: 30, max: 75 },
  lossPct: { marginal: 1, fail: 5 },
  latencyMs: { marginal: 150, fail: 400 },
  jitterMs: { marginal: 30, fail: 100 },
};

/** What happened to the room's power before the sample was judged. */
export interface PowerContext {
  /** The hold was refused: by the mains/UPS (power partner) or by the operator's override. */
  refused?: { by: 'mains' | 'operator'; reason: string };
  /** The power-on sequence stopped at a step (the technician's). */
  sequenceFailed?: string;
}

function powerCheck(r: Readings['power'], limits: RehearsalLimits, context: PowerContext): RehearsalCheck {
  const evidence = { mains: r.mains, upsChargePct: r.upsChargePct, state: r.state };
  if (context.refused?.by === 'operator')
    return {
      check: 'power',
      status: 'marginal',
      detail: `not switched on: ${context.refused.reason}`.slice(0, 300),
      evidence,
      fault: 'operator',
    };
  if (context.refused)
    return {
      check: 'power',
      status: 'fail',
      detail: `power-on refused: ${context.refused.reason}`.slice(0, 300),
      evidence,
      fault: 'mains',
    };
  if (context.sequenceFailed)
    return {
      check: 'power',
      status: 'fail',
      detail: `power-on failed: ${context.sequenceFailed}`.slice(0, 300),
      evidence,
      fault: 'equipment',
    };
  if (r.mains === false) {
    const on = r.upsChargePct === null ? 'no UPS reading' : `on UPS ${r.upsChargePct} %`;
    return { check: 'power', status: 'fail', detail: `mains lost, ${on}`, evidence, fault: 'mains' };
  }
  if (r.state === 'off')
    return {
      check: 'power',
      status: 'fail',
      detail: 'room equipment did not switch on',
      evidence,
      fault: 'equipment',
    };
  if (r.mains === null)
    return { check: 'power', status: 'not-run', detail: 'no mains or UPS sensor configured', evidence };
  if (r.upsChargePct !== null && r.upsChargePct < limits.upsLowPct)
    return {
      check: 'power',
      status: 'marginal',
      detail: `mains present but UPS charge ${r.upsChargePct} % is below ${limits.upsLowPct} %`,
      evidence: { ...evidence, limitPct: limits.upsLowPct },
      fault: 'equipment',
    };
  return { check: 'power', status: 'pass', detail: 'mains present, equipment on', evidence };
}

function climateCheck(r: Readings['climate'], limits: RehearsalLimits): RehearsalCheck {
  const evidence = { tempC: r.tempC, humidityPct: r.humidityPct };
  if (r.fault)
    return {
      check: 'climate',
      status: 'not-run',
      detail: `climate sensor fault: ${r.fault}`.slice(0, 300),
      evidence,
    };
  if (r.tempC === null && r.humidityPct === null)
    return { check: 'climate', status: 'not-run', detail: 'no climate sensor reading', evidence };
  const out: string[] = [];
  const { tempC: t, humidityPct: h } = limits;
  if (r.tempC !== null && (r.tempC < t.min || r.tempC > t.max))
    out.push(`temperature ${r.tempC} °C outside ${t.min}-${t.max} °C`);
  if (r.humidityPct !== null && (r.humidityPct < h.min || r.humidityPct > h.max))
    out.push(`humidity ${r.humidityPct} % outside ${h.min}-${h.max} %`);
  // Art. 5.2: the room's climate is its technician's to keep, so it counts as an equipment fault.
  if (out.length > 0)
    return { check: 'climate', status: 'marginal', detail: out.join('; '), evidence, fault: 'equipment' };
  return { check: 'climate', status: 'pass', detail: 'temperature and humidity in range', evidence };
}

function codecCheck(r: Readings['codec'], power: Readings['power'], bootDeadlineSec: number): RehearsalCheck {
  const evidence = { state: r.state, inCall: r.inCall, registered: r.registered ?? null };
  if (power.state === 'off')
    return {
      check: 'codec',
      status: 'not-run',
      detail: 'the equipment is off: the codec cannot answer',
      evidence,
    };
  if (r.checkedAt || r.state === 'unchecked')
    return {
      check: 'codec',
      status: 'fail',
      detail: `no answer from the codec since power-on within ${bootDeadlineSec} s`,
      evidence,
      fault: 'equipment',
    };
  switch (r.state) {
    case 'up':
      if (r.registered === false)
        return {
          check: 'codec',
          status: 'fail',
          detail: 'codec answers but is not registered to its call manager',
          evidence,
          fault: 'equipment',
        };
      return { check: 'codec', status: 'pass', detail: 'codec answers and is working', evidence };
    case 'unknown':
      return { check: 'codec', status: 'not-run', detail: 'no codec probe configured', evidence };
    default: {
      const text = r.state === 'down' ? 'codec down' : 'codec unreachable';
      return {
        check: 'codec',
        status: 'fail',
        detail: r.detail ? `${text}: ${r.detail}`.slice(0, 300) : text,
        evidence,
        fault: 'equipment',
      };
    }
  }
}

function linkCheck(r: Readings['link'], limits: RehearsalLimits): RehearsalCheck {
  const evidence = { lossPct: r.lossPct, latencyMs: r.latencyMs, jitterMs: r.jitterMs };
  if (r.lossPct === null && r.latencyMs === null && r.jitterMs === null)
    return { check: 'link', status: 'not-run', detail: 'no link probe to the MCU configured', evidence };
  const metrics: [string, string, number | null, UpperLimit][] = [
    ['loss', '%', r.lossPct, limits.lossPct],
    ['latency', 'ms', r.latencyMs, limits.latencyMs],
    ['jitter', 'ms', r.jitterMs, limits.jitterMs],
  ];
  const fails = metrics.filter(([, , v, l]) => v !== null && v > l.fail);
  const marginals = metrics.filter(([, , v, l]) => v !== null && v > l.marginal && v <= l.fail);
  const words = (list: typeof metrics, which: keyof UpperLimit) =>
    list.map(([name, unit, v, l]) => `${name} ${v} ${unit} to MCU over ${l[which]} ${unit}`).join('; ');
  if (fails.length > 0)
    return { check: 'link', status: 'fail', detail: words(fails, 'fail'), evidence, fault: 'line' };
  if (marginals.length > 0)
    return {
      check: 'link',
      status: 'marginal',
      detail: words(marginals, 'marginal'),
      evidence,
      fault: 'line',
    };
  return { check: 'link', status: 'pass', detail: 'loss, latency and jitter to the MCU in range', evidence };
}

/** Judges one sample taken after power-on; pure, so the checks are tested as a table. */
export function rehearsalChecks(
  readings: Readings,
  limits: RehearsalLimits = defaultRehearsalLimits,
  context: PowerContext = {},
  bootDeadlineSec = 180,
): RehearsalCheck[] {
  return [
    powerCheck(readings.power, limits, context),
    climateCheck(readings.climate, limits),
    codecCheck(readings.codec, readings.power, bootDeadlineSec),
    {
      check: 'peripherals',
      status: 'not-run',
      detail: 'camera, microphones and display are not reported by this agent’s codec probe',
      evidence: {},
    },
    {
      check: 'sip',
      status: 'not-run',
      detail: 'no test call is placed: the SIP test call to the MCU is not built into this agent yet',
      evidence: {},
    },
    linkCheck(readings.link, limits),
  ];
}

export interface RehearseDeps {
  /** A sample taken now, refined by power control (the agent's `sampleNow`). */
  sample: () => Promise<Readings>;
  /** The room's power control; null in a room without outputs (its equipment is on as it is). */
  power: {
    hold(hold: Omit<Hold, 'found'>): Promise<HoldOutcome>;
    release(id: string): Promise<void>;
  } | null;
  clock: Clock;
  /** The codec's boot deadline (probes.codec.bootDeadlineSec). */
  bootDeadlineSec: number;
  /** Seconds between two samples while waiting for the equipment. */
  pollSec: number;
  limits?: RehearsalLimits;
}

const rehearseArgs = z.strictObject({
  /** The rehearsal's id at the hub: the hold's name in logs. */
  holdId: z.string().min(1).max(64).optional(),
  reason: z.string().min(1).max(200).optional(),
});

/** How long past the boot deadline a hold outlives a hub that stopped answering. */
const HOLD_MARGIN_MS = 120_000;

/** The handler to register as `rehearse`. */
export function rehearseHandler(deps: RehearseDeps): CommandHandler {
  const { clock, bootDeadlineSec, limits = defaultRehearsalLimits } = deps;
  const deadlineMs = bootDeadlineSec * 1000;

  /** Samples until the equipment is up (or says it will not be), or the boot deadline passes. */
  async function sampleWhenUp(start: number): Promise<{ readings: Readings; bootSec: number | null }> {
    for (;;) {
      const readings = await deps.sample();
      const elapsed = clock.now().getTime() - start;
      const { codec, power } = readings;
      const waiting = power.booting === true || (codec.state === 'up' && codec.registered === false);
      if (!waiting || elapsed >= deadlineMs) {
        const up = codec.state === 'up' && !codec.checkedAt && codec.registered !== false;
        return { readings, bootSec: up ? Math.round(elapsed / 1000) : null };
      }
      await clock.sleep(Math.min(deps.pollSec * 1000, deadlineMs - elapsed));
    }
  }

  return async (args) => {
    const parsed = rehearseArgs.safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CommandError('bad-args', `${issue.path.join('.') || '(arguments)'}: ${issue.message}`);
    }
    const start = clock.now();
    const power = deps.power;
    if (!power) {
      const { readings, bootSec } = await sampleWhenUp(start.getTime());
      return {
        checks: rehearsalChecks(readings, limits, {}, bootDeadlineSec),
        power: { found: readings.power.state, on: readings.power.state === 'on', bootSec },
      } satisfies RehearseResult;
    }
    const id = parsed.data.holdId ?? `rehearse-${start.toISOString()}`;
    const outcome = await power.hold({
      id,
      until: new Date(start.getTime() + deadlineMs + HOLD_MARGIN_MS),
      reason: parsed.data.reason ?? `rehearsal ${id}`,
    });
    try {
      if (!outcome.ok) {
        const readings = await deps.sample();
        return {
          checks: rehearsalChecks(readings, limits, { refused: outcome.refusal }, bootDeadlineSec),
          power: {
            found: outcome.found,
            on: false,
            bootSec: null,
            refused: outcome.refusal.reason.slice(0, 300),
          },
        } satisfies RehearseResult;
      }
      const failed = outcome.sequence && !outcome.sequence.ok ? outcome.sequence.failed : undefined;
      const { readings, bootSec } = failed
        ? { readings: await deps.sample(), bootSec: null }
        : await sampleWhenUp(start.getTime());
      const context: PowerContext = failed ? { sequenceFailed: `${failed.step}: ${failed.error}` } : {};
      const report: RehearsalPower = { found: outcome.found, on: readings.power.state === 'on', bootSec };
      return {
        checks: rehearsalChecks(readings, limits, context, bootDeadlineSec),
        power: report,
      } satisfies RehearseResult;
    } finally {
      await power.release(id);
    }
  };
}
