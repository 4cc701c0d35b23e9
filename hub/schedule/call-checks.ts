/**
 * The rehearsal's checks judged from what the room measured in calls and listed of its equipment
 * (art. 9.3: terminals, line, sound and picture), pure, so they are tested as tables: `peripherals`
 * against the room's expected ones, `sip` (the codec's test call to the MCU connected), `line` (loss,
 * jitter, round trip, from the controller's own line test and the test call's media), `sound` and
 * `picture` (what the test call negotiated, the microphones and the speaker). Each names its measured
 * value and its limit. Whose fault a failure is tells a broken line from a broken codec: the line is
 * the telecom partner's; the codec, its sound, picture and peripherals the room's technician's; the
 * MCU's test conference refusing or busy the operator's (it runs the MCU).
 */
import type { CallChannel, RehearsalCheck, RehearseResult } from '../../shared/schemas.js';
import { type CallLimits, defaultCallLimits, type ExpectedPeripherals } from './call-settings.js';

// The limits and the expected peripherals are settings, defined with their schema.
export { type CallLimits, defaultCallLimits, type ExpectedPeripherals };

interface UpperLimit {
  marginal: number;
  fail: number;
}

interface LowerLimit {
  /** Below this the check is marginal. */
  marginal: number;
  /** Below this it fails. */
  fail: number;
}

const kinds = [
  ['cameras', 'camera'],
  ['microphones', 'microphone'],
  ['touchPanels', 'touch-panel'],
  ['displays', 'display'],
] as const;

type Facts = Pick<RehearseResult, 'testCall' | 'lineTest' | 'peripherals'>;

function check(
  name: RehearsalCheck['check'],
  status: RehearsalCheck['status'],
  detail: string,
  evidence: RehearsalCheck['evidence'],
  fault?: RehearsalCheck['fault'],
): RehearsalCheck {
  return { check: name, status, detail: detail.slice(0, 300), evidence, ...(fault ? { fault } : {}) };
}

function peripheralsCheck(facts: Facts, expected: ExpectedPeripherals): RehearsalCheck {
  const inventory = facts.peripherals;
  if (!inventory)
    return check(
      'peripherals',
      'not-run',
      'the codec listed no peripherals (no xAPI or Poly REST access, or it did not answer)',
      {},
    );
  const evidence: RehearsalCheck['evidence'] = {};
  const missing: string[] = [];
  const lost: string[] = [];
  const unreported: string[] = [];
  for (const [key, kind] of kinds) {
    const want = expected[key];
    if (!inventory.reported.includes(kind)) {
      if (want > 0) unreported.push(key);
      continue;
    }
    const of = inventory.devices.filter((d) => d.kind === kind);
    const connected = of.filter((d) => d.connected).length;
    evidence[key] = connected;
    evidence[`${key}Expected`] = want;
    if (connected < want) missing.push(`${key} ${connected} of ${want} connected`);
    // A peripheral listed and lost (a camera timed out, a panel unplugged) beyond what is required.
    else if (kind !== 'display' && of.some((d) => !d.connected))
      lost.push(
        `${of
          .filter((d) => !d.connected)
          .map((d) => d.name)
          .join(', ')} lost`,
      );
  }
  const notReported = unreported.length > 0 ? `; ${unreported.join(', ')} not reported by this codec` : '';
  if (missing.length > 0)
    return check(
      'peripherals',
      'fail',
      `missing: ${missing.join('; ')}${notReported}`,
      evidence,
      'equipment',
    );
  if (lost.length > 0)
    return check('peripherals', 'marginal', `${lost.join('; ')}${notReported}`, evidence, 'equipment');
  return check('peripherals', 'pass', `every expected peripheral connected${notReported}`, evidence);
}

/** The line test's verdict alone: null when it was not run, else whether the line failed it. */
function lineBroken(facts: Facts, limits: CallLimits): boolean | null {
  const l = facts.lineTest;
  if (!l || l.outcome === 'not-placed') return null;
  if (l.outcome === 'timeout' || l.outcome === 'error') return true;
  if (l.outcome === 'rejected') return false;
  return (l.lossPct ?? 0) > limits.lossPct.fail;
}

function sipCheck(facts: Facts, limits: CallLimits, notAsked: string | null): RehearsalCheck {
  const call = facts.testCall;
  if (!call) return check('sip', 'not-run', notAsked ?? 'no test call was asked of this room', {});
  const evidence = { outcome: call.outcome, dialled: call.dialled, connectSec: call.connectSec };
  if (call.outcome === 'not-placed') return check('sip', 'not-run', `no test call: ${call.detail}`, evidence);
  if (call.outcome === 'connected')
    return check('sip', 'pass', `test call to ${call.dialled} connected in ${call.connectSec} s`, evidence);
  const broken = lineBroken(facts, limits);
  const words = `test call ${call.outcome}: ${call.detail}`;
  if (broken) return check('sip', 'fail', `${words}; the line test failed too`, evidence, 'line');
  if (call.outcome === 'busy' || call.outcome === 'rejected')
    return check('sip', 'fail', `${words} (the MCU’s test conference)`, evidence, 'operator');
  return check(
    'sip',
    'fail',
    broken === false ? `${words}; the line test passed: the codec’s` : words,
    evidence,
    'equipment',
  );
}

type Figure = { name: string; unit: string; value: number | null; limit: UpperLimit; source: string };

function worst(channels: CallChannel[], pick: (c: CallChannel) => number | null): number | null {
  const values = channels.map(pick).filter((v): v is number => v !== null);
  return values.length > 0 ? Math.max(...values) : null;
}

function lineCheck(facts: Facts, limits: CallLimits, lineNotAsked: string | null): RehearsalCheck {
  const l = facts.lineTest;
  const call = facts.testCall;
  const channels = call && (call.outcome === 'connected' || call.outcome === 'dropped') ? call.channels : [];
  const figures: Figure[] = [];
  const evidence: RehearsalCheck['evidence'] = {};
  if (l && l.outcome === 'answered') {
    figures.push(
      { name: 'loss', unit: '%', value: l.lossPct, limit: limits.lossPct, source: 'line test' },
      { name: 'jitter', unit: 'ms', value: l.jitterMs, limit: limits.jitterMs, source: 'line test' },
      { name: 'round trip', unit: 'ms', value: l.rttMs, limit: limits.rttMs, source: 'line test' },
    );
    Object.assign(evidence, { lineLossPct: l.lossPct, lineJitterMs: l.jitterMs, lineRttMs: l.rttMs });
  }
  if (channels.length > 0) {
    const loss = worst(channels, (c) => c.lossPct);
    const jitter = worst(channels, (c) => c.jitterMs);
    figures.push(
      { name: 'loss', unit: '%', value: loss, limit: limits.lossPct, source: 'test call' },
      { name: 'jitter', unit: 'ms', value: jitter, limit: limits.jitterMs, source: 'test call' },
    );
    Object.assign(evidence, { callLossPct: loss, callJitterMs: jitter });
  }
  Object.assign(evidence, {
    limitLossPct: limits.lossPct.fail,
    limitJitterMs: limits.jitterMs.fail,
    limitRttMs: limits.rttMs.fail,
  });
  if (l && (l.outcome === 'timeout' || l.outcome === 'error'))
    return check(
      'line',
      'fail',
      `line test ${l.outcome}: ${l.detail}`,
      { ...evidence, lineOutcome: l.outcome },
      'line',
    );
  if (figures.length === 0) {
    if (l?.outcome === 'rejected')
      return check(
        'line',
        'marginal',
        `the MCU’s test number refused the line test: ${l.detail}`,
        evidence,
        'operator',
      );
    return check(
      'line',
      'not-run',
      l
        ? `line test not run: ${l.detail}`
        : `no line test (${lineNotAsked ?? 'none asked'}) and no test call media`,
      {},
    );
  }
  const words = (list: Figure[], which: keyof UpperLimit) =>
    list
      .map((f) => `${f.name} ${f.value} ${f.unit} over ${f.limit[which]} ${f.unit} (${f.source})`)
      .join('; ');
  const fails = figures.filter((f) => f.value !== null && f.value > f.limit.fail);
  if (fails.length > 0) return check('line', 'fail', words(fails, 'fail'), evidence, 'line');
  const marginals = figures.filter((f) => f.value !== null && f.value > f.limit.marginal);
  if (marginals.length > 0) return check('line', 'marginal', words(marginals, 'marginal'), evidence, 'line');
  const sources = [...new Set(figures.map((f) => f.source))].join(' and ');
  return check('line', 'pass', `loss, jitter and round trip within limits (${sources})`, evidence);
}

/** Why sound and picture could not be judged, or null when the call connected and was measured. */
function unmeasured(facts: Facts, notAsked: string | null): string | null {
  const call = facts.testCall;
  if (!call) return notAsked ?? 'no test call was asked of this room';
  if (call.outcome === 'connected' || call.outcome === 'dropped') return null;
  return call.outcome === 'not-placed'
    ? `no test call: ${call.detail}`
    : `the test call did not connect (${call.outcome})`;
}

function soundCheck(facts: Facts, notAsked: string | null): RehearsalCheck {
  const why = unmeasured(facts, notAsked);
  if (why) return check('sound', 'not-run', why, {});
  const call = facts.testCall!;
  const audio = call.channels.filter((c) => c.media === 'audio');
  const mics = call.microphones;
  // A codec that does not say (CE 8's inputs, a built-in microphone) is neither counted as
  // connected nor failed for it: the count says what was reported, the other how many were not.
  const connected = mics.filter((m) => m.connected === true);
  const unreported = mics.filter((m) => m.connected === null);
  const evidence = {
    codec: audio[0]?.codec ?? null,
    microphones: connected.length,
    microphonesNotReported: unreported.length,
    muted: mics.length > 0 && mics.every((m) => m.muted === true),
    volumePct: call.speaker?.volumePct ?? null,
  };
  if (audio.length === 0)
    return check('sound', 'fail', 'no sound channel in the test call', evidence, 'equipment');
  if (!audio.some((c) => c.direction === 'outgoing'))
    return check('sound', 'fail', 'the room sent no sound in the test call', evidence, 'equipment');
  if (mics.length > 0 && mics.every((m) => m.connected === false))
    return check('sound', 'fail', 'no microphone connected', evidence, 'equipment');
  const warnings: string[] = [];
  if (evidence.muted) warnings.push('microphones muted');
  if (call.speaker?.muted === true) warnings.push('speaker muted');
  if (call.speaker?.volumePct === 0) warnings.push('speaker volume 0');
  if (warnings.length > 0) return check('sound', 'marginal', warnings.join('; '), evidence, 'equipment');
  return check('sound', 'pass', `sound both ways (${evidence.codec ?? 'codec not reported'})`, evidence);
}

function pictureCheck(facts: Facts, limits: CallLimits, notAsked: string | null): RehearsalCheck {
  const why = unmeasured(facts, notAsked);
  if (why) return check('picture', 'not-run', why, {});
  const video = facts.testCall!.channels.filter((c) => c.media === 'video');
  const lowest = (pick: (c: CallChannel) => number | null | undefined) => {
    const values = video.map(pick).filter((v): v is number => typeof v === 'number');
    return values.length > 0 ? Math.min(...values) : null;
  };
  const height = lowest((c) => c.heightPx);
  const frameRate = lowest((c) => c.frameRate);
  const shown = video.find((c) => c.heightPx === height);
  const evidence = {
    codec: video[0]?.codec ?? null,
    resolution: shown?.widthPx && shown.heightPx ? `${shown.widthPx}x${shown.heightPx}` : null,
    frameRate,
    limitHeightPx: limits.heightPx.marginal,
    limitFrameRate: limits.frameRate.marginal,
  };
  if (video.length === 0)
    return check('picture', 'fail', 'no picture channel in the test call', evidence, 'equipment');
  if (!video.some((c) => c.direction === 'outgoing'))
    return check('picture', 'fail', 'the room sent no picture in the test call', evidence, 'equipment');
  const below = (which: keyof LowerLimit) => [
    ...(height !== null && height < limits.heightPx[which]
      ? [`${height} lines below ${limits.heightPx[which]}`]
      : []),
    ...(frameRate !== null && frameRate < limits.frameRate[which]
      ? [`${frameRate} frames/s below ${limits.frameRate[which]}`]
      : []),
  ];
  if (below('fail').length > 0)
    return check('picture', 'fail', below('fail').join('; '), evidence, 'equipment');
  if (below('marginal').length > 0)
    return check('picture', 'marginal', below('marginal').join('; '), evidence, 'equipment');
  return check(
    'picture',
    'pass',
    `picture both ways${evidence.resolution ? `, ${evidence.resolution}` : ''}${frameRate !== null ? ` at ${frameRate} frames/s` : ''}`,
    evidence,
  );
}

/**
 * The checks of the room's calls and equipment; `notAsked` and `lineNotAsked` say why the hub asked
 * for no test call or no line test (none set, a meeting's change freeze), so the gap is visible,
 * never a pass.
 */
export function callChecks(
  facts: Facts,
  limits: CallLimits,
  expected: ExpectedPeripherals,
  notAsked: string | null = null,
  lineNotAsked: string | null = null,
): RehearsalCheck[] {
  return [
    peripheralsCheck(facts, expected),
    sipCheck(facts, limits, notAsked),
    lineCheck(facts, limits, lineNotAsked),
    soundCheck(facts, notAsked),
    pictureCheck(facts, limits, notAsked),
  ];
}
