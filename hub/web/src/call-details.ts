/**
 * A run's test call and line test as the room measured them (issue 19, item 4), for the room's
 * history: the call's outcome (connected, or why not), each media channel with its codec, picture
 * size and frame rate, loss and jitter, the microphones and the speaker, and the controller's own
 * line test. The matrix cells show only the worst channel (call-figures.ts); a technician chasing a
 * bad line wants to see which direction and which medium lost the packets. Each value stands beside
 * the limit the hub judged it against at the time (the checks' evidence), worded by the same
 * figure strings as the cells. Pure, so it is tested without a browser.
 */
import type { RehearsalCheck } from '../../../shared/schemas.js';
import type { Attempt } from '../../schedule/rehearsals-repo.js';
import { figure, outcomeText, sizeText } from './call-figures.js';
import { t } from './i18n/i18n.js';

export interface CallDetails {
  /** The call's outcome in words, or null when no test call was asked of the room. */
  testCall: string | null;
  /** One line per media channel measured. */
  channels: string[];
  microphones: string[];
  speaker: string | null;
  /** The line test's outcome and figures, or null when none was asked. */
  lineTest: string | null;
}

type Limits = Record<'lossPct' | 'jitterMs' | 'rttMs' | 'heightPx' | 'frameRate', number | null>;

function limitsOf(checks: readonly RehearsalCheck[]): Limits {
  const of = (check: RehearsalCheck['check'], key: string) => {
    const v = checks.find((c) => c.check === check)?.evidence[key];
    return typeof v === 'number' ? v : null;
  };
  return {
    lossPct: of('line', 'limitLossPct'),
    jitterMs: of('line', 'limitJitterMs'),
    rttMs: of('line', 'limitRttMs'),
    heightPx: of('picture', 'limitHeightPx'),
    frameRate: of('picture', 'limitFrameRate'),
  };
}

type TestCall = NonNullable<NonNullable<Attempt['calls']>['testCall']>;
type LineTest = NonNullable<NonNullable<Attempt['calls']>['lineTest']>;

function callOutcome(call: TestCall): string {
  const outcome =
    call.outcome === 'connected' && call.connectSec !== null
      ? t('figure.connectedIn', { value: call.connectSec })
      : outcomeText('figure.outcome', call.outcome);
  const measured =
    (call.outcome === 'connected' || call.outcome === 'dropped') && call.measuredSec > 0
      ? `, ${t('callDetails.measured', { value: call.measuredSec })}`
      : '';
  return t('callDetails.testCall', { dialled: call.dialled, outcome: `${outcome}${measured}` });
}

function channelLine(c: TestCall['channels'][number], limits: Limits): string {
  const size = c.widthPx && c.heightPx ? sizeText(`${c.widthPx}x${c.heightPx}`) : null;
  const figures = [
    ...figure('figure.audioCodec', c.codec, null),
    ...(c.media === 'video' ? figure('figure.resolution', size, limits.heightPx) : []),
    ...(c.media === 'video' ? figure('figure.frameRate', c.frameRate ?? null, limits.frameRate) : []),
    ...figure('figure.loss', c.lossPct, limits.lossPct),
    ...figure('figure.jitter', c.jitterMs, limits.jitterMs),
  ];
  return `${t(`callDetails.channel.${c.media}.${c.direction}`)}: ${figures.join(', ') || t('callDetails.notReported')}`;
}

function microphoneLine(m: TestCall['microphones'][number]): string {
  const state = [
    t(
      m.connected === null
        ? 'callDetails.mic.unknown'
        : m.connected
          ? 'callDetails.mic.connected'
          : 'callDetails.mic.disconnected',
    ),
    ...(m.muted === true ? [t('callDetails.muted')] : []),
  ];
  return `${m.name}: ${state.join(', ')}`;
}

function speakerLine(speaker: TestCall['speaker']): string | null {
  if (!speaker) return null;
  const state = [
    ...(speaker.muted === true ? [t('callDetails.muted')] : []),
    ...figure('figure.volume', speaker.volumePct, null),
  ];
  return state.length > 0 ? t('callDetails.speaker', { state: state.join(', ') }) : null;
}

function lineTestLine(l: LineTest, limits: Limits): string {
  const figures =
    l.outcome === 'answered'
      ? [
          ...figure('figure.loss', l.lossPct, limits.lossPct),
          ...figure('figure.jitter', l.jitterMs, limits.jitterMs),
          ...figure('figure.rtt', l.rttMs, limits.rttMs),
          ...(l.sent > 0 ? [t('callDetails.packets', { received: l.received, sent: l.sent })] : []),
        ]
      : [];
  const outcome = outcomeText('figure.lineOutcome', l.outcome);
  return t('callDetails.lineTest', {
    target: l.target,
    outcome: figures.length > 0 ? `${outcome}; ${figures.join(', ')}` : outcome,
  });
}

/** What the room measured in the run's calls; null when it placed neither (or answered before issue 19). */
export function callDetails(attempt: Pick<Attempt, 'calls' | 'checks'>): CallDetails | null {
  const calls = attempt.calls;
  if (!calls?.testCall && !calls?.lineTest) return null;
  const limits = limitsOf(attempt.checks);
  const call = calls.testCall;
  return {
    testCall: call ? callOutcome(call) : null,
    channels: call?.channels.map((c) => channelLine(c, limits)) ?? [],
    microphones: call?.microphones.map(microphoneLine) ?? [],
    speaker: call ? speakerLine(call.speaker) : null,
    lineTest: calls.lineTest ? lineTestLine(calls.lineTest, limits) : null,
  };
}
