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
 *
 * When the hub asks, the room also places a test call from its codec to the MCU's test conference
 * (never in a call or inside a meeting's change freeze: test-call-policy.ts), runs the controller's
 * own line test to the MCU's test number (whatever state the codec is in: a broken codec must not
 * hide the line), and lists its peripherals. It reports the figures; the hub judges them against its
 * thresholds and each room's expected peripherals.
 */
import type { Clock } from '../../shared/clock.js';
import type {
  LineTestResult,
  Readings,
  RehearsalCheck,
  RehearsalPower,
  RehearseResult,
  TestCallResult,
} from '../../shared/schemas.js';
import * as z from '../../shared/zod-mini.js';
import { runTestCall } from '../call/test-call.js';
import type { TestCallCodec } from '../call/test-call-codec.js';
import { testCallRefusal } from '../call/test-call-policy.js';
import { CommandError, type CommandHandler } from '../commands/command-router.js';
import type { HoldOutcome } from '../power/power-controller.js';
import type { Hold, ScheduleItem } from '../power/power-intents.js';
import type { PeripheralSource } from '../probes/peripheral-source.js';

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

/**
 * Judges one sample taken after power-on; pure, so the checks are tested as a table. The test call,
 * the line test and the peripherals are judged at the hub, against its thresholds.
 */
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
  /** The codec's calls, when its API can place one. */
  testCall?: TestCallCodec;
  /** The codec's peripherals, when its API lists them. */
  peripherals?: PeripheralSource;
  /** The controller's own SIP call to the MCU's test number. */
  lineTest?: (target: string, durationMs: number) => Promise<LineTestResult>;
  /** The item whose change freeze holds now (power control's schedule), or null. */
  frozenBy: () => ScheduleItem | null;
  /** Seconds between two readings of a test call. */
  testCallSampleSec?: number;
}

const rehearseArgs = z.strictObject({
  /** The rehearsal's id at the hub: the hold's name in logs. */
  holdId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  reason: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  /** Place a test call to the MCU's test conference (art. 9.3: sound and picture). */
  testCall: z.optional(
    z.strictObject({
      number: z.string().check(z.minLength(1), z.maxLength(255)),
      connectTimeoutSec: z.number().check(z.gte(1), z.lte(120)),
      measureSec: z.number().check(z.gte(1), z.lte(300)),
    }),
  ),
  /** Run the controller's line test to the MCU's test number. */
  lineTest: z.optional(
    z.strictObject({
      target: z.string().check(z.minLength(1), z.maxLength(255)),
      durationSec: z.number().check(z.gte(1), z.lte(60)),
    }),
  ),
});
type RehearseArgs = z.infer<typeof rehearseArgs>;

/** What the room adds to its checks when the hub asks: the test call, the line test, the peripherals. */
type Extras = Pick<RehearseResult, 'testCall' | 'lineTest' | 'peripherals'>;

/** How long past the boot deadline a hold outlives a hub that stopped answering. */
const HOLD_MARGIN_MS = 120_000;

/** The longest the test call and the line test asked for may take, run side by side. */
function callMs(args: RehearseArgs): number {
  const call = args.testCall ? (args.testCall.connectTimeoutSec + args.testCall.measureSec) * 1000 : 0;
  const line = args.lineTest ? args.lineTest.durationSec * 1000 + 30_000 : 0;
  return Math.max(call, line);
}

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

  function notPlaced(number: string, why: string): TestCallResult {
    return {
      dialled: number,
      outcome: 'not-placed',
      detail: why.slice(0, 300),
      connectSec: null,
      measuredSec: 0,
      channels: [],
      microphones: [],
      speaker: null,
    };
  }

  /** The test call (when allowed), the line test and the peripherals, on equipment judged up (or not). */
  async function extras(readings: Readings, args: RehearseArgs, poweredOn: boolean): Promise<Extras> {
    const ask = args.testCall;
    const refusal = ask
      ? poweredOn
        ? testCallRefusal(readings.codec, deps.frozenBy(), deps.testCall !== undefined)
        : 'the room’s equipment is not switched on'
      : null;
    const codecUp = poweredOn && readings.codec.state === 'up' && !readings.codec.checkedAt;
    const [testCall, lineTest, inventory] = await Promise.all([
      ask && deps.testCall && refusal === null
        ? runTestCall(
            deps.testCall,
            {
              number: ask.number,
              connectTimeoutMs: ask.connectTimeoutSec * 1000,
              measureMs: ask.measureSec * 1000,
              sampleMs: (deps.testCallSampleSec ?? 5) * 1000,
            },
            clock,
          )
        : ask
          ? notPlaced(ask.number, refusal ?? 'no test call codec')
          : undefined,
      args.lineTest
        ? (deps.lineTest?.(args.lineTest.target, args.lineTest.durationSec * 1000) ??
          Promise.resolve<LineTestResult>({
            target: args.lineTest.target,
            outcome: 'not-placed',
            detail: 'this controller has no line test',
            sent: 0,
            received: 0,
            lossPct: null,
            jitterMs: null,
            rttMs: null,
          }))
        : undefined,
      codecUp && deps.peripherals ? deps.peripherals.peripherals() : undefined,
    ]);
    // The test call shows as a call on the codec: the hub learns at once that it has ended.
    if (testCall && testCall.outcome !== 'not-placed') await deps.sample();
    return {
      ...(testCall ? { testCall } : {}),
      ...(lineTest ? { lineTest } : {}),
      ...(inventory?.ok ? { peripherals: inventory.value } : {}),
    };
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
        ...(await extras(readings, parsed.data, readings.power.state === 'on')),
      } satisfies RehearseResult;
    }
    const id = parsed.data.holdId ?? `rehearse-${start.toISOString()}`;
    const outcome = await power.hold({
      id,
      // Long enough for the boot, the test call and the line test, however slow each is.
      until: new Date(start.getTime() + deadlineMs + HOLD_MARGIN_MS + callMs(parsed.data)),
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
          ...(await extras(readings, parsed.data, false)),
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
        ...(await extras(readings, parsed.data, readings.power.state === 'on' && !failed)),
      } satisfies RehearseResult;
    } finally {
      await power.release(id);
    }
  };
}
