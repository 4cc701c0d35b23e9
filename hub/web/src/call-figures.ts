/**
 * The test call's figures in a rehearsal matrix cell (issue 19): each measured value beside its limit,
 * from the check's evidence (hub/schedule/call-checks.ts names them), and for a failure who must act
 * (a broken line is the telecom partner's, a broken codec the technician's). Pure, so it is tested
 * without a browser; the cell's title keeps the hub's full sentence.
 */
import type { RehearsalCheck } from '../../../shared/schemas.js';
import { hasKey, type Key, t } from './i18n/i18n.js';

type Evidence = RehearsalCheck['evidence'];

const numberOf = (e: Evidence, key: string): number | null => {
  const v = e[key];
  return typeof v === 'number' ? v : null;
};
const textOf = (e: Evidence, key: string): string | null => {
  const v = e[key];
  return typeof v === 'string' && v !== '' ? v : null;
};

/** A figure with its limit, or nothing when it was not measured (also call-details.ts). */
export function figure(key: Key, value: number | string | null, limit: number | null): string[] {
  if (value === null) return [];
  return [limit === null ? t(key, { value, limit: '?' }) : t(key, { value, limit })];
}

function lineFigures(e: Evidence): string[] {
  const lossLimit = numberOf(e, 'limitLossPct');
  const jitterLimit = numberOf(e, 'limitJitterMs');
  const outcome = textOf(e, 'lineOutcome');
  const measuredLine = [
    ...figure('figure.loss', numberOf(e, 'lineLossPct'), lossLimit),
    ...figure('figure.jitter', numberOf(e, 'lineJitterMs'), jitterLimit),
    ...figure('figure.rtt', numberOf(e, 'lineRttMs'), numberOf(e, 'limitRttMs')),
  ];
  const measuredCall = [
    ...figure('figure.loss', numberOf(e, 'callLossPct'), lossLimit),
    ...figure('figure.jitter', numberOf(e, 'callJitterMs'), jitterLimit),
  ];
  return [
    ...(outcome ? [t('figure.lineTest', { figures: outcomeText('figure.lineOutcome', outcome) })] : []),
    ...(measuredLine.length > 0 ? [t('figure.lineTest', { figures: measuredLine.join(', ') })] : []),
    ...(measuredCall.length > 0 ? [t('figure.testCall', { figures: measuredCall.join(', ') })] : []),
  ];
}

/** A test call's or line test's outcome in words; an outcome the catalogue lacks shows as it came. */
export function outcomeText(prefix: 'figure.outcome' | 'figure.lineOutcome', outcome: string): string {
  const key = `${prefix}.${outcome}`;
  return hasKey(key) ? t(key) : outcome;
}

function sipFigures(e: Evidence): string[] {
  const outcome = textOf(e, 'outcome');
  if (!outcome) return [];
  const connectSec = numberOf(e, 'connectSec');
  return [
    outcome === 'connected' && connectSec !== null
      ? t('figure.connectedIn', { value: connectSec })
      : outcomeText('figure.outcome', outcome),
  ];
}

function soundFigures(e: Evidence): string[] {
  const volume = numberOf(e, 'volumePct');
  return [
    ...figure('figure.audioCodec', textOf(e, 'codec'), null),
    ...figure('figure.microphones', numberOf(e, 'microphones'), null),
    ...(e.muted === true ? [t('figure.muted')] : []),
    ...figure('figure.volume', volume, null),
  ];
}

/**
 * A picture size as a reader writes it, `1280×720`: the hub's evidence keeps the codec's `1280x720`,
 * whose letter x is no word of the reader's language.
 */
export function sizeText(size: string | null): string | null {
  return size ? size.replace(/^(\d+)x(\d+)$/, '$1×$2') : null;
}

function pictureFigures(e: Evidence): string[] {
  return [
    ...figure('figure.resolution', sizeText(textOf(e, 'resolution')), numberOf(e, 'limitHeightPx')),
    ...figure('figure.frameRate', numberOf(e, 'frameRate'), numberOf(e, 'limitFrameRate')),
  ];
}

const peripheralKinds = ['cameras', 'microphones', 'touchPanels', 'displays'] as const;

function peripheralFigures(e: Evidence): string[] {
  return peripheralKinds.flatMap((kind) =>
    figure(`figure.peripheral.${kind}`, numberOf(e, kind), numberOf(e, `${kind}Expected`)),
  );
}

const figuresOf: Partial<Record<RehearsalCheck['check'], (e: Evidence) => string[]>> = {
  line: lineFigures,
  sip: sipFigures,
  sound: soundFigures,
  picture: pictureFigures,
  peripherals: peripheralFigures,
};

/**
 * The lines a cell shows under its mark: the figures, then who must act on a failing or marginal
 * check. Checks without call figures (power, climate, codec, link) show none.
 */
export function callFigures(check: RehearsalCheck): string[] {
  const figures = figuresOf[check.check]?.(check.evidence) ?? [];
  const who =
    check.fault && (check.status === 'fail' || check.status === 'marginal') && check.check in figuresOf
      ? [t(`figure.fault.${check.fault}`)]
      : [];
  return [...figures, ...who];
}
