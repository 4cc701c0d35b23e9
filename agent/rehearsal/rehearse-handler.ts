/**
 * The `rehearse` command (art. 9.3: test run of terminals, line, sound and picture before a
 * meeting): judges the room's latest readings check by check and answers with each check's status,
 * the figures it was decided on, and the kind of fault, so the hub can name who must fix it.
 * A check the room cannot run is `not-run` with the reason, never reported as passed.
 */
import type { Readings, RehearsalCheck, RehearseResult } from '../../shared/schemas.js';
import type { CommandHandler } from '../commands/command-router.js';

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

function powerCheck(r: Readings['power'], limits: RehearsalLimits): RehearsalCheck {
  const evidence = { mains: r.mains, upsChargePct: r.upsChargePct, state: r.state };
  if (r.state === 'off')
    return {
      check: 'power',
      status: 'fail',
      detail: 'room equipment is switched off',
      evidence,
      fault: 'equipment',
    };
  if (r.mains === false) {
    const on = r.upsChargePct === null ? 'no UPS reading' : `on UPS ${r.upsChargePct} %`;
    return { check: 'power', status: 'fail', detail: `mains lost, ${on}`, evidence, fault: 'mains' };
  }
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

function codecCheck(r: Readings['codec']): RehearsalCheck {
  const evidence = { state: r.state, inCall: r.inCall };
  switch (r.state) {
    case 'up':
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

/** Judges one set of readings; pure, so the checks are tested as a table. */
export function rehearsalChecks(
  readings: Readings,
  limits: RehearsalLimits = defaultRehearsalLimits,
): RehearsalCheck[] {
  return [
    powerCheck(readings.power, limits),
    climateCheck(readings.climate, limits),
    codecCheck(readings.codec),
    {
      check: 'peripherals',
      status: 'not-run',
      detail: 'camera, microphones and display are not reported by this agent’s codec probe',
      evidence: {},
    },
    {
      check: 'sip',
      status: 'not-run',
      detail: 'the SIP test call to the MCU needs the SIP probe, which this agent does not have yet',
      evidence: {},
    },
    linkCheck(readings.link, limits),
  ];
}

/** The handler to register as `rehearse`; `readings` gives the room's latest sample. */
export function rehearseHandler(
  readings: () => Readings,
  limits: RehearsalLimits = defaultRehearsalLimits,
): CommandHandler {
  return async () => ({ checks: rehearsalChecks(readings(), limits) }) satisfies RehearseResult;
}
